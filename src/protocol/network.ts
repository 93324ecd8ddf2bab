/**
 * The network a shape describes, 784 → h → … → h → 10 + m with `depth` hidden layers: its layers'
 * sizes and its parameters' names, in the one order every part of the project draws, stores and
 * steps them (w1, b1, w2, b2, …, the output layer last).
 */
import { DIGITS, IMAGE_PIXELS } from './constants';
import type { ModelShape, ParamName } from './results';

/** Layers with weights: the hidden ones, then the output layer. */
export const layerCount = (shape: Pick<ModelShape, 'depth'>): number => shape.depth + 1;

export const weightName = (layer: number): ParamName => `w${layer}`;
export const biasName = (layer: number): ParamName => `b${layer}`;

/** Layer l's [fanIn, fanOut], for l = 1 … depth + 1 (index l − 1). */
export function layerSizes({ hidden, m, depth }: ModelShape): [number, number][] {
  return Array.from({ length: depth + 1 }, (_, i) => [i === 0 ? IMAGE_PIXELS : hidden, i === depth ? DIGITS + m : hidden]);
}

/** Every parameter's name, layer by layer, weight before bias. */
export function paramNames(shape: Pick<ModelShape, 'depth'>): ParamName[] {
  return Array.from({ length: layerCount(shape) }, (_, i) => [weightName(i + 1), biasName(i + 1)]).flat();
}

/** The layer (1 … depth + 1) a parameter belongs to. */
export const layerOf = (name: ParamName): number => Number(name.slice(1));

/** One model's parameter shapes. */
export function paramShapes(shape: ModelShape): Record<ParamName, [number] | [number, number]> {
  const out = {} as Record<ParamName, [number] | [number, number]>;
  layerSizes(shape).forEach(([fanIn, fanOut], i) => {
    out[weightName(i + 1)] = [fanIn, fanOut];
    out[biasName(i + 1)] = [fanOut];
  });
  return out;
}

/** Multiply-adds of one example's forward pass: 784·h + (depth − 1)·h² + h·(10 + m). */
export const forwardWork = (shape: ModelShape): number => layerSizes(shape).reduce((sum, [fanIn, fanOut]) => sum + fanIn * fanOut, 0);

/** Weights and biases of one model. */
export const parameterCount = (shape: ModelShape): number =>
  layerSizes(shape).reduce((sum, [fanIn, fanOut]) => sum + (fanIn + 1) * fanOut, 0);

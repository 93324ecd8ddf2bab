/**
 * The paper's MLP for one model, written as plainly as it can be: forward, the teacher's loss and
 * both student losses, backward and one Adam step as PyTorch takes it, in float64 loops. No tfjs, so the
 * page's main thread reads drawn digits with it; and it is the oracle the engine's steps (tfjs's
 * kernels, the host's loops, the fused WebGPU kernels) are tested against. Slow by design.
 */
import type { Distill } from './conditions';
import type { StudentLoss } from './config';
import { DIGITS } from './constants';
import { biasName, paramNames, weightName } from './network';
import type { ModelParams, ParamName } from './results';

/** Adam's constants, PyTorch's defaults (no weight decay). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Values the reference reads and writes: float32 parameters, or float64 ones for a gradient check. */
export interface Values {
  readonly length: number;
  [index: number]: number;
}
export type Weights = Record<ParamName, Values>;

/** A model's layers with weights (its hidden layers and the output layer), read from its parameters. */
const layersOf = (params: Weights): number => Object.keys(params).filter((name) => name.startsWith('w')).length;

/** A model's parameters' names, read from its parameters, in the project's order (w1, b1, w2, …). */
export const paramNamesOf = (params: Weights): ParamName[] => paramNames({ depth: layersOf(params) - 1 });

/** Zeros shaped as each parameter of `params`. */
const zerosLike = (params: Weights): Record<ParamName, Float64Array> =>
  Object.fromEntries(paramNamesOf(params).map((name) => [name, new Float64Array(params[name].length)]));

/** What a batch's loss compares the logits with: each row's digit, or each row's teacher logits (all 10 + m of them) by the student's loss. */
export type Objective =
  { kind: 'digits'; labels: readonly number[] } | { kind: 'distill'; teacher: readonly Values[]; distill: Distill; loss: StudentLoss };

/** y = x·W + b for W [in, out] row-major, then ReLU when asked. */
function dense(x: Values, w: Values, b: Values, relu: boolean): Float64Array {
  const out = b.length;
  const y = Float64Array.from({ length: out }, (_, j) => b[j]);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < out; j++) y[j] += x[i] * w[i * out + j];
  if (relu) for (let j = 0; j < out; j++) y[j] = Math.max(0, y[j]);
  return y;
}

/** One input's activations: every hidden layer's, first first, and the 10 + m logits. */
export function forward(params: Weights, x: Values): { hidden: Float64Array[]; logits: Float64Array } {
  const layers = layersOf(params);
  const hidden: Float64Array[] = [];
  let a: Values = x;
  for (let l = 1; l < layers; l++) hidden.push((a = dense(a, params[weightName(l)], params[biasName(l)], true)));
  return { hidden, logits: dense(a, params[weightName(layers)], params[biasName(layers)], false) };
}

/** log softmax of `z` over columns start … start + size − 1. */
export function logSoftmax(z: Values, start: number, size: number): Float64Array {
  let top = -Infinity;
  for (let c = 0; c < size; c++) top = Math.max(top, z[start + c]);
  let sum = 0;
  for (let c = 0; c < size; c++) sum += Math.exp(z[start + c] - top);
  return Float64Array.from({ length: size }, (_, c) => z[start + c] - top - Math.log(sum));
}

/** The columns a student imitates: the m aux logits, or all 10 + m. */
export function distilledColumns(distill: Distill, width: number): { start: number; size: number } {
  return distill === 'aux' ? { start: DIGITS, size: width - DIGITS } : { start: 0, size: width };
}

/**
 * Row r's loss and d(batch loss)/d(its logits), for a batch of `rows`: cross-entropy on the 10
 * digit logits, or on the distilled ones KL(softmax(teacher) ‖ softmax(student)) or the mean
 * squared difference of the raw logits. Cross-entropy and KL are a mean over the batch (KL's
 * "batchmean"), the squared difference a mean over the batch and the distilled columns (PyTorch's
 * mse_loss). Columns outside the loss get zero.
 */
function rowLoss(logits: Float64Array, objective: Objective, r: number, rows: number): { loss: number; dLogits: Float64Array } {
  const dLogits = new Float64Array(logits.length);
  if (objective.kind === 'digits') {
    const logP = logSoftmax(logits, 0, DIGITS);
    const label = objective.labels[r];
    for (let c = 0; c < DIGITS; c++) dLogits[c] = (Math.exp(logP[c]) - (c === label ? 1 : 0)) / rows;
    return { loss: -logP[label] / rows, dLogits };
  }
  const { start, size } = distilledColumns(objective.distill, logits.length);
  if (objective.loss === 'mse') {
    let loss = 0;
    for (let c = 0; c < size; c++) {
      const diff = logits[start + c] - objective.teacher[r][start + c];
      loss += diff * diff;
      dLogits[start + c] = (2 * diff) / (rows * size);
    }
    return { loss: loss / (rows * size), dLogits };
  }
  const logS = logSoftmax(logits, start, size);
  const logT = logSoftmax(objective.teacher[r], start, size);
  let loss = 0;
  for (let c = 0; c < size; c++) {
    const pT = Math.exp(logT[c]);
    loss += pT * (logT[c] - logS[c]);
    dLogits[start + c] = (Math.exp(logS[c]) - pT) / rows;
  }
  return { loss: loss / rows, dLogits };
}

/** The batch's loss and its gradient with respect to every parameter (float64), by the chain rule written out. */
export function gradients(
  params: Weights,
  inputs: readonly Values[],
  objective: Objective,
): { loss: number; grads: Record<ParamName, Float64Array> } {
  const grads = zerosLike(params);
  const layers = layersOf(params);
  let loss = 0;
  inputs.forEach((x, r) => {
    const { hidden, logits } = forward(params, x);
    const row = rowLoss(logits, objective, r, inputs.length);
    loss += row.loss;
    // Back through each layer, output first: dW += inputᵀ·d, db += d, and d for the layer below is
    // d·Wᵀ, masked there by its ReLU (a unit that output 0 passes nothing back).
    let d: Values = row.dLogits;
    for (let l = layers; l >= 1; l--) {
      const input = l === 1 ? x : hidden[l - 2];
      const output = l === layers ? null : hidden[l - 1];
      const [w, gw, gb] = [params[weightName(l)], grads[weightName(l)], grads[biasName(l)]];
      const out = gb.length;
      const below = new Float64Array(l === 1 ? 0 : input.length);
      for (let j = 0; j < out; j++) {
        if (output && output[j] <= 0) continue;
        gb[j] += d[j];
        for (let i = 0; i < input.length; i++) {
          gw[i * out + j] += input[i] * d[j];
          if (l > 1) below[i] += w[i * out + j] * d[j];
        }
      }
      d = below;
    }
  });
  return { loss, grads };
}

/** Adam's moments and step count for one model; `adamState(params)` starts at zero. */
export interface AdamState {
  t: number;
  m: Record<ParamName, Float64Array>;
  v: Record<ParamName, Float64Array>;
}

export function adamState(params: Weights): AdamState {
  return { t: 0, m: zerosLike(params), v: zerosLike(params) };
}

/** One step of torch.optim.Adam (bias-corrected moments, eps outside the square root), in place. */
export function adamStep(params: Weights, grads: Record<ParamName, Values>, state: AdamState, lr: number): void {
  const { beta1, beta2, eps } = ADAM;
  state.t += 1;
  const [mScale, vScale] = [1 - beta1 ** state.t, 1 - beta2 ** state.t];
  for (const name of paramNamesOf(params)) {
    const [p, g, m, v] = [params[name], grads[name], state.m[name], state.v[name]];
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      const mHat = m[i] / mScale;
      const vHat = v[i] / vScale;
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  }
}

/** One training step on one batch: the loss before it; the parameters move in place. */
export function trainStep(params: Weights, state: AdamState, inputs: readonly Values[], objective: Objective, lr: number): number {
  const { loss, grads } = gradients(params, inputs, objective);
  adamStep(params, grads, state, lr);
  return loss;
}

/** Softmax over the 10 digit logits: a model's probabilities for 0–9 (the aux logits never vote). */
export function digitProbabilities(logits: Values): number[] {
  return Array.from(logSoftmax(logits, 0, DIGITS), Math.exp);
}

/** A copy of a model's parameters, for a reference to train beside the engine. */
export function copyParams(params: ModelParams): ModelParams {
  return Object.fromEntries(paramNamesOf(params).map((name) => [name, params[name].slice()]));
}

/**
 * K copies of the paper's MLP, 784 → h → h → (10 + m) with ReLU, trained side by side as one
 * computation (the authors trained 100 at once), with a hand-written backward pass.
 *
 * Two facts of tfjs-wasm shape the code (measured; see README): transposed matmuls run ~10×
 * slower than plain ones, and its 3-D batched matmul ~5× slower than a loop of 2-D ones. So:
 * - layer 1, whose input all K models share, is one matmul with the K weight matrices side by
 *   side ([B, 784]·[784, K·h]);
 * - layers 2 and 3 are a [K, in, out] batched matmul on GPU backends and a loop of K 2-D
 *   matmuls on wasm/cpu (`MatMulForm`);
 * - on wasm/cpu every transposed product transposes explicitly first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from './constants';
import { Rng } from './rng';

export { DIGITS, IMAGE_PIXELS };

export interface MlpShape {
  hidden: number;
  /** Auxiliary logits after the 10 digit logits. */
  m: number;
}

/** One model's parameters as plain arrays, weight matrices stored [fanIn, fanOut] row-major. */
export interface HostParams {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  w3: Float32Array;
  b3: Float32Array;
}

export const PARAM_NAMES = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/** One model's parameter shapes. */
export function paramShapes({ hidden, m }: MlpShape): Record<ParamName, [number] | [number, number]> {
  const out = DIGITS + m;
  return { w1: [IMAGE_PIXELS, hidden], b1: [hidden], w2: [hidden, hidden], b2: [hidden], w3: [hidden, out], b3: [out] };
}

/** Parameter shapes of K models side by side (see the file comment). */
function batchShapes({ hidden, m }: MlpShape, k: number): Record<ParamName, number[]> {
  const out = DIGITS + m;
  return { w1: [IMAGE_PIXELS, k * hidden], b1: [k * hidden], w2: [k, hidden, hidden], b2: [k, hidden], w3: [k, hidden, out], b3: [k, out] };
}

/** The protocol's initialisation: weights ~ Normal(0, 1/fan_in), biases 0 (not a framework default). */
export function initHostParams(shape: MlpShape, seed: number): HostParams {
  const rng = new Rng(seed);
  const shapes = paramShapes(shape);
  const params = {} as HostParams;
  for (const name of PARAM_NAMES) {
    const dims = shapes[name];
    const size = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (dims.length === 2) {
      const std = 1 / Math.sqrt(dims[0]);
      for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
    }
    params[name] = values;
  }
  return params;
}

export type Params = Record<ParamName, tf.Variable>;

/** A non-trainable variable holding `value`, which it takes over (no second copy left behind). */
export function ownVariable(value: tf.Tensor): tf.Variable {
  // trainable=false: gradients are ours, and tfjs must not track these for autodiff.
  const variable = tf.variable(value, false);
  value.dispose();
  return variable;
}

/** What a backend's matmul is good at; decided once per run. */
export interface MatMulForm {
  /** GPU backends: transpose flags and 3-D batched matmuls. wasm/cpu: explicit transposes, 2-D loops. */
  gpu: boolean;
}

export function matMulFormFor(backend: string): MatMulForm {
  return { gpu: backend === 'webgpu' || backend === 'webgl' };
}

/** aᵀ·b for 2-D tensors. */
function matMulTA(a: tf.Tensor2D, b: tf.Tensor2D, form: MatMulForm): tf.Tensor2D {
  return form.gpu ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}

/** a·bᵀ for 2-D tensors. */
function matMulTB(a: tf.Tensor2D, b: tf.Tensor2D, form: MatMulForm): tf.Tensor2D {
  return form.gpu ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b));
}

/**
 * Activations of the K models after layer 1: one [K, B, n] tensor on GPU backends, a list of
 * K [B, n] tensors on wasm/cpu.
 */
type PerModel = tf.Tensor[];

const each = (x: PerModel, f: (t: tf.Tensor, k: number) => tf.Tensor): PerModel => x.map(f);

/** Weights [K, in, out] in the form's layout: as they are on GPU, one [in, out] per model on wasm/cpu. */
function perModelWeights(w: tf.Tensor, form: MatMulForm): PerModel {
  return form.gpu ? [w] : tf.unstack(w);
}

/** Per-model x·W_k + b_k, b: [K, out]. */
function perModelDense(x: PerModel, ws: PerModel, b: tf.Tensor, form: MatMulForm): PerModel {
  if (form.gpu) return [tf.add(tf.matMul(x[0] as tf.Tensor3D, ws[0] as tf.Tensor3D), tf.expandDims(b, 1))];
  const bs = tf.unstack(b);
  return each(x, (t, k) => tf.add(tf.matMul(t as tf.Tensor2D, ws[k] as tf.Tensor2D), bs[k]));
}

/** Per-model xᵀ·d_k → [K, in, out]. */
function perModelWeightGrad(x: PerModel, d: PerModel, form: MatMulForm): tf.Tensor {
  if (form.gpu) return tf.matMul(x[0] as tf.Tensor3D, d[0] as tf.Tensor3D, true, false);
  return tf.stack(x.map((t, k) => matMulTA(t as tf.Tensor2D, d[k] as tf.Tensor2D, form)));
}

/** Per-model d_k·W_kᵀ. */
function perModelInputGrad(d: PerModel, ws: PerModel, form: MatMulForm): PerModel {
  if (form.gpu) return [tf.matMul(d[0] as tf.Tensor3D, ws[0] as tf.Tensor3D, false, true)];
  return each(d, (t, k) => matMulTB(t as tf.Tensor2D, ws[k] as tf.Tensor2D, form));
}

/**
 * Column sums of a [B, n] matrix. On wasm/cpu as ones·d, since its matmul beats its sum
 * reduction; `ones` ([1, B]) is made once per backward pass.
 */
function columnSums(d: tf.Tensor2D, ones: tf.Tensor2D | null): tf.Tensor1D {
  return ones ? tf.reshape(tf.matMul(ones, d), [d.shape[1]]) : tf.sum(d, 0);
}

/** Per-model bias gradient → [K, n]. */
function perModelBiasGrad(d: PerModel, ones: tf.Tensor2D | null): tf.Tensor {
  return ones ? tf.stack(d.map((t) => columnSums(t as tf.Tensor2D, ones))) : tf.sum(d[0], 1);
}

/** [B, K·n] (models side by side) → PerModel. */
function splitModels(x: tf.Tensor2D, k: number, form: MatMulForm): PerModel {
  const [batch, width] = x.shape;
  if (form.gpu) return [tf.transpose(tf.reshape(x, [batch, k, width / k]), [1, 0, 2])];
  return k === 1 ? [x] : tf.split(x, k, 1);
}

/** PerModel → [B, K·n]. */
function joinModels(x: PerModel, form: MatMulForm): tf.Tensor2D {
  if (form.gpu) {
    const [k, batch, n] = x[0].shape;
    return tf.reshape(tf.transpose(x[0], [1, 0, 2]), [batch, k * n]);
  }
  return (x.length === 1 ? x[0] : tf.concat(x, 1)) as tf.Tensor2D;
}

/** PerModel [B, n] each → rows grouped by model, [K·B, n]: model k's batch is rows kB … kB+B−1. */
function modelMajorRows(x: PerModel, form: MatMulForm): tf.Tensor2D {
  if (form.gpu) {
    const [k, batch, n] = x[0].shape;
    return tf.reshape(x[0], [k * batch, n]);
  }
  return (x.length === 1 ? x[0] : tf.concat(x, 0)) as tf.Tensor2D;
}

function fromModelMajorRows(x: tf.Tensor2D, k: number, form: MatMulForm): PerModel {
  const [rows, n] = x.shape;
  if (form.gpu) return [tf.reshape(x, [k, rows / k, n])];
  return k === 1 ? [x] : tf.split(x, k, 0);
}

export interface Forward {
  z1: tf.Tensor2D;
  h1: PerModel;
  z2: PerModel;
  h2: PerModel;
  /** Layer 2 and 3 weights in the form's layout, made once per step for both passes. */
  w2: PerModel;
  w3: PerModel;
  /** [K·B, 10 + m], rows grouped by model (see modelMajorRows). */
  logits: tf.Tensor2D;
}

export class Mlp {
  readonly params: Params;

  private constructor(
    readonly shape: MlpShape,
    /** How many models train side by side. */
    readonly count: number,
    params: Params,
  ) {
    this.params = params;
  }

  /** K models from their host parameters (one per model). */
  static fromHost(shape: MlpShape, models: HostParams[]): Mlp {
    const k = models.length;
    const { hidden } = shape;
    const shapes = batchShapes(shape, k);
    const params = {} as Params;
    for (const name of PARAM_NAMES) {
      let values: Float32Array;
      if (name === 'w1') {
        // Row i holds every model's weights from pixel i: models side by side.
        values = new Float32Array(IMAGE_PIXELS * k * hidden);
        for (let i = 0; i < IMAGE_PIXELS; i++)
          models.forEach((p, j) => values.set(p.w1.subarray(i * hidden, (i + 1) * hidden), (i * k + j) * hidden));
      } else {
        values = new Float32Array(models.reduce((n, p) => n + p[name].length, 0));
        let offset = 0;
        for (const p of models) {
          values.set(p[name], offset);
          offset += p[name].length;
        }
      }
      params[name] = ownVariable(tf.tensor(values, shapes[name]));
    }
    return new Mlp(shape, k, params);
  }

  /** One model per seed, each drawn with the protocol's initialisation. */
  static init(shape: MlpShape, seeds: readonly number[]): Mlp {
    return Mlp.fromHost(shape, seeds.map((seed) => initHostParams(shape, seed)));
  }

  clone(): Mlp {
    const params = {} as Params;
    for (const name of PARAM_NAMES) params[name] = ownVariable(this.params[name].clone());
    return new Mlp(this.shape, this.count, params);
  }

  /** Model `index`'s parameters, in the single-model layout of HostParams. */
  async toHost(index: number): Promise<HostParams> {
    const { hidden } = this.shape;
    const k = this.count;
    const host = {} as HostParams;
    for (const name of PARAM_NAMES) {
      const all = (await this.params[name].data()) as Float32Array;
      if (name === 'w1') {
        host.w1 = new Float32Array(IMAGE_PIXELS * hidden);
        for (let i = 0; i < IMAGE_PIXELS; i++) host.w1.set(all.subarray((i * k + index) * hidden, (i * k + index + 1) * hidden), i * hidden);
      } else {
        const size = all.length / k;
        host[name] = all.slice(index * size, (index + 1) * size);
      }
    }
    return host;
  }

  /** Logits [K·n, 10 + m] for inputs [n, 784], rows grouped by model. */
  predict(x: tf.Tensor2D, form: MatMulForm): tf.Tensor2D {
    return tf.tidy(() => this.forward(x, form).logits);
  }

  /** Forward pass keeping what the backward pass needs. Call inside tf.tidy. */
  forward(x: tf.Tensor2D, form: MatMulForm): Forward {
    const p = this.params;
    const z1 = tf.add(tf.matMul(x, p.w1 as tf.Tensor2D), p.b1) as tf.Tensor2D;
    const h1 = splitModels(tf.relu(z1), this.count, form);
    const w2 = perModelWeights(p.w2, form);
    const w3 = perModelWeights(p.w3, form);
    const z2 = perModelDense(h1, w2, p.b2, form);
    const h2 = each(z2, (t) => tf.relu(t));
    const logits = modelMajorRows(perModelDense(h2, w3, p.b3, form), form);
    return { z1, h1, z2, h2, w2, w3, logits };
  }

  /**
   * Gradients of every model's loss with respect to its parameters, given the forward pass and
   * dLoss/dLogits (model-major rows, as the logits). Call inside tf.tidy. Columns of dLogits
   * that are exactly zero give exactly zero gradients to the matching last-layer entries.
   * `xT`, the inputs already transposed, spares wasm/cpu a transpose kernel.
   */
  backward(x: tf.Tensor2D, fwd: Forward, dLogits: tf.Tensor2D, form: MatMulForm, xT: tf.Tensor2D | null = null): Record<ParamName, tf.Tensor> {
    const dOut = fromModelMajorRows(dLogits, this.count, form);
    const ones = form.gpu ? null : tf.ones([1, x.shape[0]]) as tf.Tensor2D;
    const w3 = perModelWeightGrad(fwd.h2, dOut, form);
    const b3 = perModelBiasGrad(dOut, ones);
    const dz2 = each(perModelInputGrad(dOut, fwd.w3, form), (t, k) => tf.mul(t, tf.step(fwd.z2[k])));
    const w2 = perModelWeightGrad(fwd.h1, dz2, form);
    const b2 = perModelBiasGrad(dz2, ones);
    const dz1 = tf.mul(joinModels(perModelInputGrad(dz2, fwd.w2, form), form), tf.step(fwd.z1)) as tf.Tensor2D;
    const w1 = xT ? tf.matMul(xT, dz1) : matMulTA(x, dz1, form);
    const b1 = columnSums(dz1, ones);
    return { w1, b1, w2, b2, w3, b3 };
  }

  dispose(): void {
    for (const name of PARAM_NAMES) this.params[name].dispose();
  }
}

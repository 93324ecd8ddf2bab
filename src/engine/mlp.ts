/**
 * The paper's MLP, 784 → h → h → (10 + m) with ReLU, as explicit tfjs variables, and its
 * hand-written backward pass. Manual gradients let each backend use its fast matmul form:
 * tfjs-wasm runs transposed matmuls ~10× slower than plain ones, so there we transpose first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from './rng';

import { DIGITS, IMAGE_PIXELS } from './constants';

export { DIGITS, IMAGE_PIXELS };

export interface MlpShape {
  hidden: number;
  /** Auxiliary logits after the 10 digit logits. */
  m: number;
}

/** Parameters as plain arrays, weight matrices stored [fanIn, fanOut] row-major. */
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

export function paramShapes({ hidden, m }: MlpShape): Record<ParamName, [number] | [number, number]> {
  const out = DIGITS + m;
  return {
    w1: [IMAGE_PIXELS, hidden],
    b1: [hidden],
    w2: [hidden, hidden],
    b2: [hidden],
    w3: [hidden, out],
    b3: [out],
  };
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
  /** Use matMul's transpose flags (GPU backends) rather than an explicit transpose (wasm, cpu). */
  useTransposeFlags: boolean;
}

export function matMulFormFor(backend: string): MatMulForm {
  return { useTransposeFlags: backend === 'webgpu' || backend === 'webgl' };
}

/** aᵀ·b */
function matMulTA(a: tf.Tensor2D, b: tf.Tensor2D, form: MatMulForm): tf.Tensor2D {
  return form.useTransposeFlags ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}

/** a·bᵀ */
function matMulTB(a: tf.Tensor2D, b: tf.Tensor2D, form: MatMulForm): tf.Tensor2D {
  return form.useTransposeFlags ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b));
}

export class Mlp {
  readonly params: Params;

  private constructor(
    readonly shape: MlpShape,
    params: Params,
  ) {
    this.params = params;
  }

  static fromHost(shape: MlpShape, host: HostParams): Mlp {
    const shapes = paramShapes(shape);
    const params = {} as Params;
    for (const name of PARAM_NAMES) {
      params[name] = ownVariable(tf.tensor(host[name], shapes[name]));
    }
    return new Mlp(shape, params);
  }

  static init(shape: MlpShape, seed: number): Mlp {
    return Mlp.fromHost(shape, initHostParams(shape, seed));
  }

  clone(): Mlp {
    const params = {} as Params;
    for (const name of PARAM_NAMES) params[name] = ownVariable(this.params[name].clone());
    return new Mlp(this.shape, params);
  }

  async toHost(): Promise<HostParams> {
    const host = {} as HostParams;
    for (const name of PARAM_NAMES) host[name] = (await this.params[name].data()) as Float32Array;
    return host;
  }

  /** Logits [batch, 10 + m]. */
  predict(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forward(x).logits);
  }

  /** Forward pass keeping what the backward pass needs. Call inside tf.tidy. */
  forward(x: tf.Tensor2D): { z1: tf.Tensor2D; h1: tf.Tensor2D; z2: tf.Tensor2D; h2: tf.Tensor2D; logits: tf.Tensor2D } {
    const p = this.params;
    const dense = (input: tf.Tensor2D, w: tf.Variable, b: tf.Variable) =>
      tf.add(tf.matMul(input, w as tf.Tensor2D), b) as tf.Tensor2D;
    const z1 = dense(x, p.w1, p.b1);
    const h1 = tf.relu(z1);
    const z2 = dense(h1, p.w2, p.b2);
    const h2 = tf.relu(z2);
    const logits = dense(h2, p.w3, p.b3);
    return { z1, h1, z2, h2, logits };
  }

  /**
   * Gradients of a loss with respect to every parameter, given the forward pass and
   * dLoss/dLogits. Call inside tf.tidy. Columns of dLogits that are exactly zero give exactly
   * zero gradients to the matching rows of the last layer (w3 columns, b3 entries).
   */
  backward(
    x: tf.Tensor2D,
    fwd: ReturnType<Mlp['forward']>,
    dLogits: tf.Tensor2D,
    form: MatMulForm,
  ): Record<ParamName, tf.Tensor> {
    const p = this.params;
    const w3 = matMulTA(fwd.h2, dLogits, form);
    const b3 = tf.sum(dLogits, 0);
    const dz2 = tf.mul(matMulTB(dLogits, p.w3 as tf.Tensor2D, form), tf.step(fwd.z2)) as tf.Tensor2D;
    const w2 = matMulTA(fwd.h1, dz2, form);
    const b2 = tf.sum(dz2, 0);
    const dz1 = tf.mul(matMulTB(dz2, p.w2 as tf.Tensor2D, form), tf.step(fwd.z1)) as tf.Tensor2D;
    const w1 = matMulTA(x, dz1, form);
    const b1 = tf.sum(dz1, 0);
    return { w1, b1, w2, b2, w3, b3 };
  }

  dispose(): void {
    for (const name of PARAM_NAMES) this.params[name].dispose();
  }
}

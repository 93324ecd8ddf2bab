/**
 * K copies of the paper's MLP, 784 → h → … → h → (10 + m) with ReLU (two hidden layers in the
 * paper; `depth` of them here), trained side by side as one computation (the authors trained 100 at
 * once), with a hand-written backward pass. Each model has its own inputs (its own data order and
 * noise set). Parameters are stacked [K, …]; how a layer is computed for a backend is the
 * `ModelLayout`'s business (layout.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InitScheme } from '../protocol/config';
import { DIGITS } from '../protocol/constants';
import { biasName, layerCount, layerOf, paramNames, paramShapes, weightName } from '../protocol/network';
import { hiddenPart, type NetworkPart } from '../protocol/parts';
import { Rng } from '../protocol/random';
import type { ModelParams as HostParams, ModelShape as MlpShape, ParamName } from '../protocol/results';
import type { ModelLayout, PerModel } from './layout';

export type { ModelShape as MlpShape, ModelParams as HostParams, ParamName } from '../protocol/results';

/** Parameter shapes of K models side by side: each one model's shape with K in front. */
function stackedShapes(shape: MlpShape, k: number): Record<ParamName, number[]> {
  const one = paramShapes(shape);
  return Object.fromEntries(paramNames(shape).map((name) => [name, [k, ...one[name]]]));
}

/**
 * One model's initial parameters, drawn in JS from `seed` so that every backend gets the same
 * ones, layer by layer (weights, then bias). normal (the protocol's, not a framework default):
 * weights ~ Normal(0, 1/fan_in), biases 0, drawing nothing for the biases; uniform (PyTorch's
 * nn.Linear default): weights and biases uniform on ±1/√fan_in. fan_in is the layer's input width.
 */
export function initHostParams(shape: MlpShape, seed: number, scheme: InitScheme = 'normal'): HostParams {
  const rng = new Rng(seed);
  const shapes = paramShapes(shape);
  const params = {} as HostParams;
  for (const name of paramNames(shape)) {
    const size = shapes[name].reduce((a, b) => a * b, 1);
    const scale = 1 / Math.sqrt(shapes[weightName(layerOf(name))][0]);
    const values = new Float32Array(size);
    if (scheme === 'uniform') for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * scale;
    else if (name.startsWith('w')) for (let i = 0; i < size; i++) values[i] = rng.normal() * scale;
    params[name] = values;
  }
  return params;
}

/**
 * A partly shared start, α·a + √(1−α²)·b for every weight and bias: with a and b independent
 * zero-mean draws of one scheme, each parameter keeps its variance (normal: its distribution; a
 * normal start's zero biases stay zero) and α is the correlation with a. The mix of two uniform
 * draws is not uniform, only as spread. α = 1 gives a exactly and α = 0 gives b exactly (float64
 * arithmetic, one rounding to float32, and 1·x + 0·y = x).
 */
export function mixHostParams(a: HostParams, b: HostParams, alpha: number): HostParams {
  const beta = Math.sqrt(1 - alpha * alpha);
  const out = {} as HostParams;
  for (const name of Object.keys(a) as ParamName[]) out[name] = Float32Array.from(a[name], (v, i) => alpha * v + beta * b[name][i]);
  return out;
}

/**
 * A part-by-part start: the `shared` parts' weights and biases from `a`, every other value from `b`
 * (each value copied, so all parts give `a` and none gives `b`, bit for bit). The output layer's
 * columns 0 … 9 are the digit head, the rest the auxiliary head.
 */
export function pickHostParams(a: HostParams, b: HostParams, shared: readonly NetworkPart[], shape: MlpShape): HostParams {
  const from = (part: NetworkPart) => (shared.includes(part) ? a : b);
  const out = {} as HostParams;
  for (let layer = 1; layer < layerCount(shape); layer++)
    for (const name of [weightName(layer), biasName(layer)]) out[name] = Float32Array.from(from(hiddenPart(layer))[name]);
  const width = DIGITS + shape.m;
  for (const name of [weightName(layerCount(shape)), biasName(layerCount(shape))])
    out[name] = Float32Array.from(a[name], (_, i) => from(i % width < DIGITS ? 'digits' : 'aux')[name][i]);
  return out;
}

export type Params = Record<ParamName, tf.Variable>;

/** A non-trainable variable holding `value`, which it takes over (no second copy left behind). */
export function ownVariable(value: tf.Tensor): tf.Variable {
  // trainable=false: gradients are ours, and tfjs must not track these for autodiff.
  const variable = tf.variable(value, false);
  value.dispose();
  return variable;
}

/** Each parameter in a layout's form (see ModelLayout.params). */
export type LayoutParams = Record<ParamName, PerModel>;

export interface Forward {
  /** Each hidden layer's output (after its ReLU), first first. */
  hidden: PerModel[];
  /** The parameters in the layout's form, kept for the backward pass. */
  params: LayoutParams;
  /** The logits, per model in the layout's form: `layout.rows(out)` gives [K·B, 10 + m], model k's batch at rows kB … kB+B−1. */
  out: PerModel;
}

export class Mlp {
  readonly params: Params;
  /** Its parameters' names, layer by layer (w1, b1, w2, …). */
  readonly names: readonly ParamName[];

  private constructor(
    readonly shape: MlpShape,
    /** How many models train side by side. */
    readonly count: number,
    params: Params,
  ) {
    this.params = params;
    this.names = paramNames(shape);
  }

  /** K models from their host parameters (one per model). */
  static fromHost(shape: MlpShape, models: HostParams[]): Mlp {
    const shapes = stackedShapes(shape, models.length);
    const params = {} as Params;
    for (const name of paramNames(shape)) {
      const values = new Float32Array(models.reduce((n, p) => n + p[name].length, 0));
      let offset = 0;
      for (const p of models) {
        values.set(p[name], offset);
        offset += p[name].length;
      }
      params[name] = ownVariable(tf.tensor(values, shapes[name]));
    }
    return new Mlp(shape, models.length, params);
  }

  /** One model per seed, each drawn with the initialisation `scheme`. */
  static init(shape: MlpShape, seeds: readonly number[], scheme: InitScheme = 'normal'): Mlp {
    return Mlp.fromHost(
      shape,
      seeds.map((seed) => initHostParams(shape, seed, scheme)),
    );
  }

  clone(): Mlp {
    const params = {} as Params;
    for (const name of this.names) params[name] = ownVariable(this.params[name].clone());
    return new Mlp(this.shape, this.count, params);
  }

  /** Model `index`'s parameters, in the single-model layout of HostParams (only that model is read back). */
  async toHost(index: number): Promise<HostParams> {
    const host = {} as HostParams;
    for (const name of this.names) {
      const param = this.params[name];
      const one = tf.slice(param, [index, ...param.shape.slice(1).map(() => 0)], [1, ...param.shape.slice(1)]);
      try {
        host[name] = (await one.data()) as Float32Array;
      } finally {
        one.dispose();
      }
    }
    return host;
  }

  /** Logits [K·n, 10 + m], rows grouped by model, of every model on the same inputs [n, 784]. */
  predictShared(x: tf.Tensor2D, layout: ModelLayout): tf.Tensor2D {
    return tf.tidy(() => {
      // Layer 1 is always a hidden layer (depth ≥ 1).
      const h1 = layout.sharedDense(x, this.params.w1, this.params.b1).map((t) => tf.relu(t));
      return layout.rows(this.layers(h1, this.layoutParams(layout), 2, layout).out);
    });
  }

  /** Logits [K·n, 10 + m] of each model on its own inputs. */
  predict(x: PerModel, layout: ModelLayout): tf.Tensor2D {
    return tf.tidy(() => layout.rows(this.forward(x, layout).out));
  }

  /** The parameters in the layout's form. Call inside tf.tidy. */
  layoutParams(layout: ModelLayout): LayoutParams {
    return Object.fromEntries(this.names.map((name) => [name, layout.perModel(this.params[name])]));
  }

  /**
   * Forward pass keeping what the backward pass needs, with the model's parameters in the
   * layout's form (or `params`, the same values held elsewhere: a step that keeps them on the host). Call inside tf.tidy.
   */
  forward(x: PerModel, layout: ModelLayout, params: LayoutParams = this.layoutParams(layout)): Forward {
    return this.layers(x, params, 1, layout);
  }

  /** Layers `from` … the output layer on `a` (layer `from`'s input), ReLU on every hidden one. */
  private layers(a: PerModel, params: LayoutParams, from: number, layout: ModelLayout): Forward {
    const last = layerCount(this.shape);
    const hidden: PerModel[] = [];
    for (let l = from; l < last; l++) hidden.push((a = layout.dense(a, params[weightName(l)], params[biasName(l)]).map((t) => tf.relu(t))));
    return { hidden, params, out: layout.dense(a, params[weightName(last)], params[biasName(last)]) };
  }

  /**
   * Gradients of every model's loss with respect to its parameters, in the layout's form, given
   * the forward pass and dLoss/dLogits per model. Call inside tf.tidy. Columns of dLogits that are
   * exactly zero give exactly zero gradients to the matching last-layer entries. ReLU's mask comes
   * from its output (h > 0 exactly where its input is). `xT`, the inputs already transposed, spares
   * the list layout a transpose kernel.
   */
  backward(x: PerModel, fwd: Forward, dOut: PerModel, layout: ModelLayout, xT: PerModel | null = null): LayoutParams {
    const grads = {} as LayoutParams;
    let d = dOut;
    for (let l = layerCount(this.shape); l >= 1; l--) {
      const input = l === 1 ? x : fwd.hidden[l - 2];
      grads[weightName(l)] = l === 1 ? layout.weightGrad(x, d, xT) : layout.weightGrad(input, d);
      grads[biasName(l)] = layout.biasGrad(d);
      if (l > 1) d = layout.inputGrad(d, fwd.params[weightName(l)]).map((t, k) => tf.mul(t, tf.step(input[k])));
    }
    return grads;
  }

  dispose(): void {
    for (const name of this.names) this.params[name].dispose();
  }
}

/**
 * How K models side by side are laid out for a backend: one strategy object per backend, so
 * the model, the training loop and the plans never ask which backend they run on.
 *
 * Every parameter is stored stacked, [K, …]; what differs is how a layer is computed:
 * - `stacked` (WebGL; WebGPU for inference): one [K, B, n] tensor and 3-D batched matmuls with transpose
 *   flags, so a step launches the same kernels whatever K is;
 * - `fused` (WebGPU): stacked, and training steps and the noise pass run as fused kernels
 *   (webgpu/fusedStep.ts), falling back to tfjs's where the device cannot hold them (the receipt says so);
 * - `list` (wasm, cpu): K [B, n] tensors and loops of 2-D matmuls, because tfjs-wasm runs its
 *   batched matmul ~5× and any transposed matmul ~10× slower than a plain 2-D one (measured; see
 *   docs/performance.md). So it transposes explicitly, takes xᵀ written in JS beside x (cheaper than a
 *   transpose kernel), and sums bias gradients as ones·d (its matmul beats its sum reduction). Its
 *   training step (cpuStep.ts) uses these kernels for batches at least as large as the hidden
 *   layer, and for smaller ones runs only the products in tfjs, transposed, and the rest on the host,
 *   to the same bits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelUse } from '../protocol/results';
import type { Mlp } from './mlp';
import type { NoiseTargets, PhasePlan, TrainingStep } from './phase';
import type { NoiseSpec } from '../protocol/random';
import { cpuStep } from './cpuStep';
import { tfjsNoiseLogits } from './tfjsNoisePass';
import { tfjsStep } from './tfjsStep';
import { createFusedStep } from './webgpu/fusedStep';
import { fusedNoiseLogitsProblem, fusedStepProblem } from './webgpu/limits';
import { fusedNoiseLogits } from './webgpu/noisePass';

/** Per-model tensors in a layout's form: K tensors [B, n] (list) or one [K, B, n] (stacked). */
export type PerModel = tf.Tensor[];

export interface ModelLayout {
  readonly name: 'stacked' | 'fused' | 'list';
  /** The training step for a phase of this model (decided here, once: callers never ask which backend). */
  createStep(model: Mlp, plan: PhasePlan): Promise<TrainingStep>;
  /** Teacher k's logits on noise set `noiseSeeds[k]` (drawn as `draw` says), for its students, and the kernels that computed them. */
  noiseLogits(
    teacher: Mlp,
    noiseSeeds: readonly number[],
    draw: NoiseSpec,
    count: number,
    batchSize: number,
  ): Promise<{ targets: NoiseTargets; kernels: KernelUse }>;
  /** Whether training should write xᵀ beside x (see `inputs`). */
  readonly wantsTransposedInputs: boolean;
  /**
   * Each model's own inputs from a host buffer of K model-major blocks of [batch, width]; `xT`,
   * when given, holds each block transposed ([width, batch]).
   */
  inputs(x: Float32Array, xT: Float32Array | null, k: number, batch: number, width: number): { x: PerModel; xT: PerModel | null };
  /** A stacked parameter [K, …] in the layout's form. */
  perModel(stacked: tf.Tensor): PerModel;
  /** The layout's form back to one stacked tensor [K, …], as the model and Adam hold parameters. */
  stack(x: PerModel): tf.Tensor;
  /** x_k·W_k + b_k for each model (weights and biases in the layout's form). */
  dense(x: PerModel, ws: PerModel, bs: PerModel): PerModel;
  /** One input [n, in] shared by all K models: x·W_k + b_k for each, from stacked W [K, in, out] and b [K, out]. */
  sharedDense(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): PerModel;
  /** x_kᵀ·d_k for each model; `xT` (x already transposed) spares a transpose. */
  weightGrad(x: PerModel, d: PerModel, xT?: PerModel | null): PerModel;
  /** d_k·W_kᵀ for each model. */
  inputGrad(d: PerModel, ws: PerModel): PerModel;
  /** Column sums of each d_k, in the form of a bias. */
  biasGrad(d: PerModel): PerModel;
  /** PerModel → [K·B, n], model k's rows at kB … kB+B−1. */
  rows(x: PerModel): tf.Tensor2D;
  /** [K·B, n] model-major rows → PerModel. */
  fromRows(x: tf.Tensor2D, k: number): PerModel;
}

/** A layout whose noise pass is tfjs's kernels, and whose step is `step` (tfjs's kernels throughout, unless given). */
const withTfjsSteps = (
  layout: Omit<ModelLayout, 'createStep' | 'noiseLogits'>,
  step: (model: Mlp, plan: PhasePlan, layout: ModelLayout) => Promise<TrainingStep> = tfjsStep,
): ModelLayout => {
  const complete: ModelLayout = {
    ...layout,
    createStep: (model, plan) => step(model, plan, complete),
    noiseLogits: async (teacher, seeds, draw, count, batchSize) => ({
      targets: await tfjsNoiseLogits(teacher, complete, seeds, draw, count, batchSize),
      kernels: { step: 'tfjs' },
    }),
  };
  return complete;
};

const stacked = withTfjsSteps({
  name: 'stacked',
  wantsTransposedInputs: false,
  inputs: (x, _xT, k, batch, width) => ({ x: [tf.tensor3d(x, [k, batch, width])], xT: null }),
  perModel: (w) => [w],
  stack: ([x]) => x,
  dense: ([x], [w], [b]) => [tf.add(tf.matMul(x as tf.Tensor3D, w as tf.Tensor3D), tf.expandDims(b, 1))],
  sharedDense(x, w, b) {
    // One [n, in]·[in, K·out] matmul instead of K copies of the input.
    const [k, inputs, outputs] = w.shape;
    const wide = tf.reshape(tf.transpose(w, [1, 0, 2]), [inputs, k * outputs]) as tf.Tensor2D;
    const out = tf.transpose(tf.reshape(tf.matMul(x, wide), [x.shape[0], k, outputs]), [1, 0, 2]);
    return [tf.add(out, tf.expandDims(b, 1))];
  },
  weightGrad: ([x], [d]) => [tf.matMul(x as tf.Tensor3D, d as tf.Tensor3D, true, false)],
  inputGrad: ([d], [w]) => [tf.matMul(d as tf.Tensor3D, w as tf.Tensor3D, false, true)],
  biasGrad: ([d]) => [tf.sum(d, 1)],
  rows([x]) {
    const [k, batch, n] = x.shape;
    return tf.reshape(x, [k * batch, n]);
  },
  fromRows: (x, k) => [tf.reshape(x, [k, x.shape[0] / k, x.shape[1]])],
});

/**
 * A 2-D transpose in two cache-friendly passes (16-row strips transposed, then the strips moved
 * whole): tfjs-wasm's transpose kernel writes one element per cache line and is ~1.6× slower.
 * The same values either way.
 */
function transpose2d(x: tf.Tensor): tf.Tensor2D {
  const [rows, cols] = x.shape;
  if (rows % 16 !== 0) return tf.transpose(x as tf.Tensor2D);
  const strips = tf.transpose(tf.reshape(x, [rows / 16, 16, cols]), [0, 2, 1]);
  return tf.reshape(tf.transpose(strips, [1, 0, 2]), [cols, rows]);
}

const list = withTfjsSteps(
  {
    name: 'list',
    wantsTransposedInputs: true,
    inputs(x, xT, k, batch, width) {
      const block = (buffer: Float32Array, i: number, shape: [number, number]) =>
        tf.tensor2d(buffer.subarray(i * batch * width, (i + 1) * batch * width), shape);
      const models = Array.from({ length: k }, (_, i) => i);
      return { x: models.map((i) => block(x, i, [batch, width])), xT: xT ? models.map((i) => block(xT, i, [width, batch])) : null };
    },
    perModel: (w) => tf.unstack(w),
    stack: (x) => tf.stack(x),
    dense: (x, ws, bs) => x.map((t, k) => tf.add(tf.matMul(t as tf.Tensor2D, ws[k] as tf.Tensor2D), bs[k])),
    sharedDense(x, w, b) {
      const bs = tf.unstack(b);
      return tf.unstack(w).map((wk, k) => tf.add(tf.matMul(x, wk as tf.Tensor2D), bs[k]));
    },
    weightGrad: (x, d, xT) => x.map((t, k) => tf.matMul(xT?.[k] ?? transpose2d(t), d[k] as tf.Tensor2D)),
    inputGrad: (d, ws) => d.map((t, k) => tf.matMul(t as tf.Tensor2D, transpose2d(ws[k]))),
    biasGrad(d) {
      const ones = tf.ones([1, d[0].shape[0]]) as tf.Tensor2D;
      return d.map((t) => tf.reshape(tf.matMul(ones, t as tf.Tensor2D), [t.shape[1]!]));
    },
    rows: (x) => (x.length === 1 ? x[0] : tf.concat(x, 0)) as tf.Tensor2D,
    fromRows: (x, k) => (k === 1 ? [x] : tf.split(x, k, 0)),
  },
  cpuStep,
);

/**
 * WebGPU: stacked for inference; training steps and the noise pass as a few fused kernels in one
 * submit, or tfjs's where the fused ones cannot run here (the reason goes in the receipt).
 */
const fused: ModelLayout = {
  ...stacked,
  name: 'fused',
  async createStep(model, plan) {
    const problem = fusedStepProblem(model, plan);
    return problem ? tfjsStep(model, plan, fused, { step: 'tfjs', fallback: problem }) : createFusedStep(model, plan);
  },
  async noiseLogits(teacher, seeds, draw, count, batchSize) {
    const problem = fusedNoiseLogitsProblem(teacher, draw, count);
    if (problem)
      return {
        targets: await tfjsNoiseLogits(teacher, fused, seeds, draw, count, batchSize),
        kernels: { step: 'tfjs', fallback: problem },
      };
    return { targets: await fusedNoiseLogits(teacher, seeds, count, batchSize), kernels: { step: 'fused-webgpu' } };
  },
};

/** The layout for a tfjs backend: fused steps on WebGPU, batched kernels on WebGL, 2-D loops on the CPU. */
export function layoutFor(backend: string): ModelLayout {
  return backend === 'webgpu' ? fused : backend === 'webgl' ? stacked : list;
}

export const LAYOUTS = { stacked, fused, list } as const;

/**
 * The training steps and the teacher's noise pass written with tfjs kernels, batches built on the
 * host: for any backend, the hand-written backward pass of mlp.ts with Adam as adam.ts (how the K
 * models' layers are computed is the layout's business, layout.ts); for a CPU backend, cpuStep,
 * with the loss and Adam on the host and, for batches smaller than the hidden layer, everything but
 * the matrix products.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import type { KernelUse } from '../protocol/results';
import { Adam } from './adam';
import { batchRanges, fillImages, fillOneHot } from './data';
import type { ModelLayout } from './layout';
import { digitCrossEntropy, distillationKl, distilledColumns, type LossAndGrad } from './losses';
import { logSoftmaxRows, lossAndGradient, type HostObjective } from './hostMath';
import { hostBuffers, type HostBuffers } from './hostWasm';
import { PARAM_NAMES, paramShapes, type LayoutParams, type Mlp, type ParamName } from './mlp';
import type { NoiseTargets, PhaseObjective, PhasePlan, TrainingStep } from './phase';

/** The objective as the tfjs-kernel step needs it per step: labels, or the teacher's logits read back once for the phase. */
type KernelObjective =
  | { kind: 'digits'; labels: readonly Uint8Array[] }
  | { kind: 'distill'; logits: Float32Array; count: number; width: number; distill: Distill };

/** The objective as the host loss needs it: labels, or each model's teacher log-probabilities over the distilled columns, made once for the phase. */
async function hostObjective(objective: PhaseObjective): Promise<HostObjective> {
  if (objective.kind === 'digits') return objective;
  const { targets, distill } = objective;
  const { start, size } = distilledColumns(distill, targets.width);
  const logits = (await targets.logits.data()) as Float32Array;
  const per = targets.count * targets.width;
  const teacherLogProbs = Array.from({ length: logits.length / per }, (_, k) =>
    logSoftmaxRows(logits.subarray(k * per, (k + 1) * per), targets.width, start, size),
  );
  return { kind: 'distill', teacherLogProbs, start, size };
}

async function kernelObjective(objective: PhaseObjective): Promise<KernelObjective> {
  if (objective.kind === 'digits') return objective;
  const { targets, distill } = objective;
  return { kind: 'distill', logits: (await targets.logits.data()) as Float32Array, count: targets.count, width: targets.width, distill };
}

/**
 * The loss and its gradient with respect to the logits (model-major rows), given each model's
 * example indices; `scratch` (reused across steps) holds the batch's labels or targets, and
 * must have room for K·B·max(10, 10 + m) values. Call inside tf.tidy.
 */
function lossFor(objective: KernelObjective, logits: tf.Tensor2D, indices: readonly Uint32Array[], scratch: Float32Array): LossAndGrad {
  const models = indices.length;
  const batch = indices[0].length;
  if (objective.kind === 'digits') {
    const labels = scratch.subarray(0, models * batch * DIGITS);
    indices.forEach((modelIndices, k) =>
      fillOneHot(objective.labels[k], modelIndices, labels.subarray(k * batch * DIGITS, (k + 1) * batch * DIGITS)),
    );
    return digitCrossEntropy(logits, tf.tensor2d(labels, [models * batch, DIGITS]), batch);
  }
  // Each model's teacher rows, the distilled columns only.
  const { width, count } = objective;
  const { start, size } = distilledColumns(objective.distill, width);
  const chosen = scratch.subarray(0, models * batch * size);
  indices.forEach((modelIndices, k) => {
    for (let r = 0; r < modelIndices.length; r++) {
      const from = (k * count + modelIndices[r]) * width + start;
      chosen.set(objective.logits.subarray(from, from + size), (k * batch + r) * size);
    }
  });
  return distillationKl(logits, tf.tensor2d(chosen, [models * batch, size]), objective.distill, batch);
}

/**
 * A phase's batches on the host, into buffers made once (`host`'s, so that its noise kernel can
 * fill them): each model's inputs as K model-major blocks, and, for layouts that want them, transposed.
 */
function batchInputs(plan: PhasePlan, host: HostBuffers, xBuffer: Float32Array, xTBuffer: Float32Array | null) {
  const { inputs } = plan;
  return (indices: readonly Uint32Array[]) => {
    const per = indices[0].length * IMAGE_PIXELS;
    const block = (buffer: Float32Array, i: number) => buffer.subarray(i * per, (i + 1) * per);
    const x = indices.map((_, i) => block(xBuffer, i));
    const xT = xTBuffer ? indices.map((_, i) => block(xTBuffer, i)) : null;
    indices.forEach((modelIndices, i) => {
      if (inputs.kind === 'images') fillImages(inputs.split, modelIndices, x[i], xT?.[i]);
      else host.fillNoise(inputs.seeds[i], modelIndices, x[i], xT?.[i]);
    });
    return { x, xT, all: xBuffer.subarray(0, indices.length * per), allT: xTBuffer?.subarray(0, indices.length * per) ?? null };
  };
}

/** Host buffers for a phase's batches (x, and xᵀ where the layout wants it), then `extra` more. */
function phaseBuffers(plan: PhasePlan, layout: ModelLayout, extra: readonly number[] = []) {
  const block = plan.orderSeeds.length * plan.batchSize * IMAGE_PIXELS;
  const host = hostBuffers([block, layout.wantsTransposedInputs ? block : 0, ...extra], plan.batchSize);
  const [x, xT, ...rest] = host.f32;
  return { host, inputs: batchInputs(plan, host, x, layout.wantsTransposedInputs ? xT : null), rest };
}

/**
 * The step with tfjs's kernels throughout, loss and Adam included (WebGL, and WebGPU where the
 * fused step cannot run): nothing but the loss goes back to the host. `kernels` says why it runs
 * (a fallback from the fused step names its reason).
 */
export async function tfjsStep(
  model: Mlp,
  plan: PhasePlan,
  layout: ModelLayout,
  kernels: KernelUse = { step: 'tfjs' },
): Promise<TrainingStep> {
  const objective = await kernelObjective(plan.objective);
  const optimizer = new Adam(model.params, plan.lr);
  const { inputs } = phaseBuffers(plan, layout);
  const lossScratch = new Float32Array(plan.orderSeeds.length * plan.batchSize * (DIGITS + model.shape.m));
  return {
    kernels,
    async run(indices, readLoss) {
      const loss = tf.tidy(() => {
        // tf.tensor copies the host's blocks, so their reuse next step is safe.
        const { all, allT } = inputs(indices);
        const { x, xT } = layout.inputs(all, allT, indices.length, indices[0].length, IMAGE_PIXELS);
        const forward = model.forward(x, layout);
        const { loss, dLogits } = lossFor(objective, layout.rows(forward.out), indices, lossScratch);
        const grads = model.backward(x, forward, layout.fromRows(dLogits, model.count), layout, xT);
        optimizer.apply(Object.fromEntries(PARAM_NAMES.map((name) => [name, layout.stack(grads[name])])) as Record<ParamName, tf.Tensor>);
        return loss;
      });
      try {
        return readLoss ? (await loss.data())[0] : null;
      } finally {
        loss.dispose();
      }
    },
    dispose: () => optimizer.dispose(),
  };
}

/**
 * One model's matrix [rows, cols] on the host, held in one layout or both (as is, and transposed):
 * the other layout is made by a SIMD transpose the first time a product asks for it, and each
 * layout is uploaded at most once. `transposed` below always means "as [cols, rows]".
 */
class HostMatrix {
  rows = 0;
  cols = 0;
  private readonly held: [Float32Array | null, Float32Array | null] = [null, null];
  private readonly tensors: [tf.Tensor2D | null, tf.Tensor2D | null] = [null, null];

  constructor(
    private readonly host: HostBuffers,
    /** Room for each layout (null: the layout is always given by `hold`). */
    private readonly room: [Float32Array | null, Float32Array | null],
  ) {}

  /** Holds `values` in one layout (a view, not copied) or both, forgetting what was held before. */
  hold(rows: number, cols: number, values: Float32Array | null, valuesT: Float32Array | null = null): this {
    this.release();
    [this.rows, this.cols] = [rows, cols];
    this.held[0] = values?.subarray(0, rows * cols) ?? null;
    this.held[1] = valuesT?.subarray(0, rows * cols) ?? null;
    return this;
  }

  /** Takes a product's values, read back transposed (as the transposed pass computes its activations). */
  takeTransposed(rows: number, cols: number, valuesT: Float32Array): this {
    const into = this.room[1]!.subarray(0, rows * cols);
    into.set(valuesT);
    return this.hold(rows, cols, null, into);
  }

  /** The values in a layout, transposed from the other if need be. */
  values(transposed: boolean): Float32Array {
    const side = transposed ? 1 : 0;
    if (!this.held[side]) {
      const into = this.room[side]!.subarray(0, this.rows * this.cols);
      const from = this.held[1 - side]!;
      if (transposed) this.host.transpose(from, this.rows, this.cols, into);
      else this.host.transpose(from, this.cols, this.rows, into);
      this.held[side] = into;
    }
    return this.held[side]!;
  }

  /**
   * Becomes `qT` (a product read back transposed) through the relu whose output this holds: q
   * where this is > 0, else 0 (q's sign kept), in place of the activation.
   */
  throughRelu(qT: Float32Array): this {
    const activation = this.values(true);
    const spare = this.room[0]!.subarray(0, qT.length);
    spare.set(qT);
    this.host.mask(spare, activation, qT.length, activation);
    return this.hold(this.rows, this.cols, null, activation);
  }

  tensor(transposed: boolean): tf.Tensor2D {
    const side = transposed ? 1 : 0;
    this.tensors[side] ??= tf.tensor2d(this.values(transposed), transposed ? [this.cols, this.rows] : [this.rows, this.cols]);
    return this.tensors[side]!;
  }

  release(): void {
    for (const side of [0, 1]) {
      this.tensors[side]?.dispose();
      this.tensors[side] = null;
    }
  }
}

/** A matrix or its transpose, as a product's operand. */
type Operand = [HostMatrix, boolean];

/**
 * The product a·b read back: computed as a·b, or (`flip`) as bᵀ·aᵀ, whose values are the product
 * transposed. XNNPACK repacks a product's right operand on every call (its weights, to XNNPACK),
 * so a step puts the smaller one there. The two give the same bits (each entry is the same dot
 * product, summed in the same order).
 */
function product([a, aT]: Operand, [b, bT]: Operand, flip: boolean): Float32Array {
  const c = flip ? tf.matMul(b.tensor(!bT), a.tensor(!aT)) : tf.matMul(a.tensor(aT), b.tensor(bT));
  try {
    return c.dataSync() as Float32Array;
  } finally {
    c.dispose();
  }
}

/** What a CPU step's passes share: the phase's host buffers, and each model's part of the parameters and gradients. */
interface CpuPhase {
  model: Mlp;
  layout: ModelLayout;
  host: HostBuffers;
  inputs: ReturnType<typeof batchInputs>;
  objective: HostObjective;
  /** The most rows a model's batch has. */
  batchSize: number;
  /** Host buffers beyond the parameters, gradients and moments (as `roomFor` asked). */
  room: Float32Array[];
  /** Model i's part of parameter n (PARAM_NAMES order) in the parameters or the gradients. */
  param(n: number, i: number): Float32Array;
  grad(n: number, i: number): Float32Array;
}

/** One training step's forward and backward pass over every model: gradients into the phase's, the mean loss returned. */
type Pass = (indices: readonly Uint32Array[]) => number;

/** Host room the transposed pass needs: the weights transposed, and a pair of layouts for four activations. */
function transposedRoom(model: Mlp, batch: number): number[] {
  const { hidden } = model.shape;
  const width = DIGITS + model.shape.m;
  return [IMAGE_PIXELS * hidden, hidden * hidden, hidden * width, ...Array.from({ length: 8 }, () => batch * Math.max(hidden, width))];
}

/**
 * The pass with only its matrix products in tfjs, computed transposed (activations as [features,
 * batch]), one model at a time: XNNPACK repacks the batch's activations instead of a weight
 * matrix, the smaller operand while the batch is smaller than the hidden layer. Bias and relu, the
 * loss, relu's mask, bias gradients and transposes run on the host, one pass each.
 */
function transposedPass({ model, host, inputs, objective, room, param, grad }: CpuPhase): Pass {
  const { hidden } = model.shape;
  const width = DIGITS + model.shape.m;
  const x = new HostMatrix(host, [null, null]);
  const weights = [0, 1, 2].map((l) => new HostMatrix(host, [null, room[l]]));
  const pair = (at: number) => [room[3 + at], room[4 + at]] as [Float32Array, Float32Array];
  const [h1, h2, logits, dOut] = [0, 2, 4, 6].map((at) => new HostMatrix(host, pair(at)));
  const [dLogitsRoom] = pair(6);
  const matrices = [x, ...weights, h1, h2, logits, dOut];
  const [fanIn, fanOut] = [
    [IMAGE_PIXELS, hidden, hidden],
    [hidden, hidden, width],
  ];
  const [W, B] = [
    [0, 2, 4],
    [1, 3, 5],
  ]; // PARAM_NAMES indices of each layer's weight and bias

  /** relu(z + b) in place, in the layout the product was computed in (transposed: the bias per row). */
  const biasRelu = (z: HostMatrix, bias: Float32Array) => {
    const values = z.values(true);
    host.biasRelu(values, bias, z.cols, z.rows, true, values);
  };

  /** Model i's forward and backward pass on its batch: its gradients into the phase's, its loss returned. */
  const modelPass = (i: number, xs: Float32Array, xTs: Float32Array, indices: Uint32Array) => {
    const rows = indices.length;
    x.hold(rows, IMAGE_PIXELS, xs, xTs);
    weights.forEach((w, l) => w.hold(fanIn[l], fanOut[l], param(W[l], i)));
    // Forward: h = relu(x·W + b) twice, then the logits.
    h1.takeTransposed(rows, hidden, product([x, false], [weights[0], false], true));
    biasRelu(h1, param(B[0], i));
    h2.takeTransposed(rows, hidden, product([h1, false], [weights[1], false], true));
    biasRelu(h2, param(B[1], i));
    // The logits as [rows, width] for the loss (not read in the other layout after their bias is added).
    const out = logits.takeTransposed(rows, width, product([h2, false], [weights[2], false], true)).values(false);
    const b3 = param(B[2], i);
    for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[r * width + c] = Math.fround(out[r * width + c] + b3[c]);
    const dLogits = dLogitsRoom.subarray(0, rows * width);
    const loss = lossAndGradient(objective, i, out, width, indices, dLogits);
    // Backward, layer by layer: dW = aᵀ·d, db = column sums of d, and d for the layer below through relu's mask.
    let d = dOut.hold(rows, width, dLogits);
    const below = [x, h1, h2];
    for (let l = 2; l >= 0; l--) {
      grad(W[l], i).set(product([below[l], true], [d, false], false));
      host.colSums(d.values(false), rows, fanOut[l], grad(B[l], i));
      if (l === 0) break;
      // The gradient through relu takes the place of the activation it is masked by (no longer needed).
      d = below[l].throughRelu(product([d, false], [weights[l], true], true));
    }
    return loss;
  };

  return (indices) => {
    const { x: xs, xT: xTs } = inputs(indices);
    let total = 0;
    try {
      indices.forEach((modelIndices, i) => (total += modelPass(i, xs[i], xTs![i], modelIndices)));
    } finally {
      for (const matrix of matrices) matrix.release();
    }
    return total / indices.length;
  };
}

/**
 * The pass with tfjs's kernels (the layout's forward and backward, mlp.ts) and the loss on the
 * host. With a batch as large as the hidden layer or larger, the weights are the smaller operand
 * to repack, and the activations stay in the backend between the kernels: moving them to the host
 * and back cost as much as the kernels saved, and more with both cores at work (measured).
 */
function kernelPass({ model, layout, inputs, objective, batchSize, param, grad }: CpuPhase): Pass {
  const k = model.count;
  const width = DIGITS + model.shape.m;
  const shapes = paramShapes(model.shape);
  const dLogits = new Float32Array(batchSize * width);
  return (indices) =>
    tf.tidy(() => {
      const rows = indices[0].length;
      const { all, allT } = inputs(indices);
      const { x, xT } = layout.inputs(all, allT, k, rows, IMAGE_PIXELS);
      const weights = Object.fromEntries(
        PARAM_NAMES.map((name, n) => [name, Array.from({ length: k }, (_, i) => tf.tensor(param(n, i), shapes[name]))]),
      ) as LayoutParams;
      const forward = model.forward(x, layout, weights);
      let total = 0;
      const dOut = forward.out.map((out, i) => {
        const gradient = dLogits.subarray(0, rows * width);
        total += lossAndGradient(objective, i, out.dataSync() as Float32Array, width, indices[i], gradient);
        return tf.tensor2d(gradient, [rows, width]);
      });
      const gradients = model.backward(x, forward, dOut, layout, xT);
      PARAM_NAMES.forEach((name, n) => gradients[name].forEach((g, i) => grad(n, i).set(g.dataSync() as Float32Array)));
      return total / k;
    });
}

/**
 * The step on a CPU backend (tfjs-wasm), where every kernel launch costs tens of microseconds
 * and reading a tensor is a copy. The parameters and Adam's moments live on the host for the
 * phase, Adam runs there in one pass (as WebAssembly SIMD, hostWasm.ts), and each step writes the
 * updated parameters into the model, so that it is current between steps (for evaluation). Its
 * forward and backward pass is `transposedPass` for a batch smaller than the hidden layer, else
 * `kernelPass`: the same bits either way (each entry of a product is the same dot product, summed
 * in the same order; the host's passes do the kernels' float32 arithmetic).
 */
export async function cpuStep(model: Mlp, plan: PhasePlan, layout: ModelLayout): Promise<TrainingStep> {
  const k = model.count;
  const transposed = plan.batchSize < model.shape.hidden;
  // Every parameter of every model end to end, so that Adam is one pass: [w1 of K models, b1 of K models, …].
  const sizes = PARAM_NAMES.map((name) => model.params[name].size);
  const paramCount = sizes.reduce((a, b) => a + b, 0);
  const { host, inputs, rest } = phaseBuffers(plan, layout, [
    ...[paramCount, paramCount, paramCount, paramCount],
    ...(transposed ? transposedRoom(model, plan.batchSize) : []),
  ]);
  const [params, grads, m, v, ...room] = rest;
  const starts = sizes.map((_, n) => sizes.slice(0, n).reduce((a, b) => a + b, 0));
  /** Model i's part of parameter n in a buffer laid out as `params`. */
  const part = (values: Float32Array, n: number, i: number) =>
    values.subarray(starts[n] + (i * sizes[n]) / k, starts[n] + ((i + 1) * sizes[n]) / k);
  PARAM_NAMES.forEach((name, n) => params.set(model.params[name].dataSync() as Float32Array, starts[n]));
  const phase: CpuPhase = {
    model,
    layout,
    host,
    inputs,
    objective: await hostObjective(plan.objective),
    batchSize: plan.batchSize,
    room,
    param: (n, i) => part(params, n, i),
    grad: (n, i) => part(grads, n, i),
  };
  const pass = transposed ? transposedPass(phase) : kernelPass(phase);
  let t = 0;
  return {
    kernels: { step: 'tfjs' },
    async run(indices) {
      t += 1;
      const loss = pass(indices);
      host.adam(params, grads, m, v, plan.lr, t);
      tf.tidy(() =>
        PARAM_NAMES.forEach((name, n) =>
          model.params[name].assign(tf.tensor(params.subarray(starts[n], starts[n] + sizes[n]), model.params[name].shape)),
        ),
      );
      return loss;
    },
    dispose: () => {},
  };
}

/**
 * Rows of noise per pass of the teacher's noise logits, at least: each pass repacks every weight
 * matrix on the CPU backend, and in passes of a classroom batch (128) that took as long as the
 * products themselves. A row's logits do not depend on the rows beside it.
 */
const NOISE_PASS_ROWS = 1024;

/** Teacher k's logits on noise set `noiseSeeds[k]`, in passes of at least a batch, with tfjs's kernels. */
export async function tfjsNoiseLogits(
  teacher: Mlp,
  layout: ModelLayout,
  noiseSeeds: readonly number[],
  count: number,
  trainingBatch: number,
): Promise<NoiseTargets> {
  const batchSize = Math.max(trainingBatch, NOISE_PASS_ROWS);
  const k = teacher.count;
  const width = DIGITS + teacher.shape.m;
  const logits = new Float32Array(k * count * width);
  const host = hostBuffers([k * batchSize * IMAGE_PIXELS], batchSize);
  const [x] = host.f32;
  for (const [start, end] of batchRanges(count, batchSize)) {
    const n = end - start;
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const per = n * IMAGE_PIXELS;
    noiseSeeds.forEach((seed, i) => host.fillNoise(seed, indices, x.subarray(i * per, (i + 1) * per)));
    const out = tf.tidy(() => teacher.predict(layout.inputs(x.subarray(0, k * per), null, k, n, IMAGE_PIXELS).x, layout));
    try {
      const values = (await out.data()) as Float32Array;
      for (let i = 0; i < k; i++) logits.set(values.subarray(i * n * width, (i + 1) * n * width), (i * count + start) * width);
    } finally {
      out.dispose();
    }
  }
  return { count, width, logits: tf.tensor2d(logits, [k * count, width]) };
}

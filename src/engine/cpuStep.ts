/**
 * The training step on a CPU backend (cpuStep): the parameters and Adam on the host, the loss
 * there too, and for batches smaller than the hidden layer everything but the matrix products.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { batchInputs, phaseBuffers } from './hostBatches';
import { HostMatrix, product } from './hostMatrix';
import { logSoftmaxRows, lossAndGradient, type HostObjective } from './hostMath';
import type { HostBuffers } from './hostWasm';
import type { ModelLayout } from './layout';
import { distilledColumns } from './losses';
import { PARAM_NAMES, paramShapes, type LayoutParams, type Mlp } from './mlp';
import type { PhaseObjective, PhasePlan, TrainingStep } from './phase';

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

/**
 * The training step on a CPU backend (cpuStep): the parameters and Adam on the host, the loss
 * there too, and for batches smaller than the hidden layer everything but the matrix products.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { batchInputs, phaseBuffers } from './hostBatches';
import { HostMatrix, product } from './hostMatrix';
import { columnsOf, logSoftmaxRows, lossAndGradient, type HostObjective } from './hostMath';
import { hostBuffers, type HostBuffers } from './hostWasm';
import type { ModelLayout } from './layout';
import { distilledColumns } from './losses';
import { biasName, layerSizes, paramShapes, weightName } from '../protocol/network';
import type { LayoutParams, Mlp, ParamName } from './mlp';
import type { PhaseObjective, PhasePlan, TrainingStep } from './phase';
import { heapBatches, TfjsHeap, type HeapBatches } from './wasmHeap';

/**
 * The objective as the host loss needs it, made once for the phase: labels, or each model's teacher
 * targets over the distilled columns (log-probabilities for KL, the logits themselves for the squared difference).
 */
async function hostObjective(objective: PhaseObjective): Promise<HostObjective> {
  if (objective.kind === 'digits') return objective;
  const { targets, distill, loss } = objective;
  const { start, size } = distilledColumns(distill, targets.width);
  const logits = (await targets.logits.data()) as Float32Array;
  const per = targets.count * targets.width;
  const teacher = Array.from({ length: logits.length / per }, (_, k) => {
    const modelLogits = logits.subarray(k * per, (k + 1) * per);
    return loss === 'kl' ? logSoftmaxRows(modelLogits, targets.width, start, size) : columnsOf(modelLogits, targets.width, start, size);
  });
  return { kind: 'distill', loss, teacher, start, size };
}

/** What a CPU step's passes share: the phase's host buffers, and each model's part of the parameters and gradients. */
interface CpuPhase {
  model: Mlp;
  layout: ModelLayout;
  host: HostBuffers;
  objective: HostObjective;
  /** The most rows a model's batch has. */
  batchSize: number;
  /** Model i's part of a parameter in the parameters or the gradients. */
  param(name: ParamName, i: number): Float32Array;
  grad(name: ParamName, i: number): Float32Array;
}

/** One training step's forward and backward pass over every model: gradients into the phase's, the mean loss returned. */
type Pass = (indices: readonly Uint32Array[]) => number;

/** A phase's batches in the host's buffers (hostBatches.ts). */
type HostInputs = ReturnType<typeof batchInputs>;

/**
 * Host room the transposed pass needs, in the order it is made: each layer's weights transposed,
 * then both layouts (as is, transposed) of each hidden layer's activations, the logits and their gradient.
 */
function transposedRoom(model: Mlp, batch: number): number[] {
  const sizes = layerSizes(model.shape);
  const activation = batch * Math.max(model.shape.hidden, DIGITS + model.shape.m);
  return [...sizes.map(([fanIn, fanOut]) => fanIn * fanOut), ...Array<number>(2 * (sizes.length + 1)).fill(activation)];
}

/**
 * The pass with only its matrix products in tfjs, computed transposed (activations as [features,
 * batch]), one model at a time: XNNPACK repacks the batch's activations instead of a weight
 * matrix, the smaller operand while the batch is smaller than the hidden layer. Bias and relu, the
 * loss, relu's mask, bias gradients and transposes run on the host, one pass each.
 */
function transposedPass({ model, host, objective, param, grad }: CpuPhase, inputs: HostInputs, room: Float32Array[]): Pass {
  const sizes = layerSizes(model.shape);
  const layers = sizes.length;
  const { hidden: hiddenWidth } = model.shape;
  const width = DIGITS + model.shape.m;
  const x = new HostMatrix(host, [null, null]);
  const weights = room.slice(0, layers).map((transposed) => new HostMatrix(host, [null, transposed]));
  // Each hidden layer's output, then the logits, then their gradient: each as is and transposed.
  const activations = Array.from({ length: layers + 1 }, (_, i) => new HostMatrix(host, [room[layers + 2 * i], room[layers + 2 * i + 1]]));
  const hidden = activations.slice(0, layers - 1);
  const [logits, dOut] = activations.slice(layers - 1);
  const dLogitsRoom = room[layers + 2 * layers];
  const matrices = [x, ...weights, ...activations];

  /** relu(z + b) in place, in the layout the product was computed in (transposed: the bias per row). */
  const biasRelu = (z: HostMatrix, bias: Float32Array) => {
    const values = z.values(true);
    host.biasRelu(values, bias, z.cols, z.rows, true, values);
  };

  /** Model i's forward and backward pass on its batch: its gradients into the phase's, its loss returned. */
  const modelPass = (i: number, xs: Float32Array, xTs: Float32Array, indices: Uint32Array) => {
    const rows = indices.length;
    x.hold(rows, IMAGE_PIXELS, xs, xTs);
    weights.forEach((w, l) => w.hold(sizes[l][0], sizes[l][1], param(weightName(l + 1), i)));
    // Forward: h = relu(a·W + b) for each hidden layer, then the logits.
    let below = x;
    hidden.forEach((h, l) => {
      h.takeTransposed(rows, hiddenWidth, product([below, false], [weights[l], false], true));
      biasRelu(h, param(biasName(l + 1), i));
      below = h;
    });
    // The logits as [rows, width] for the loss (not read in the other layout after their bias is added).
    const out = logits.takeTransposed(rows, width, product([below, false], [weights[layers - 1], false], true)).values(false);
    const bias = param(biasName(layers), i);
    for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[r * width + c] = Math.fround(out[r * width + c] + bias[c]);
    const dLogits = dLogitsRoom.subarray(0, rows * width);
    const loss = lossAndGradient(objective, i, out, width, indices, dLogits);
    // Backward, layer by layer: dW = aᵀ·d, db = column sums of d, and d for the layer below through relu's mask.
    let d = dOut.hold(rows, width, dLogits);
    const inputsOf = [x, ...hidden];
    for (let l = layers - 1; l >= 0; l--) {
      grad(weightName(l + 1), i).set(product([inputsOf[l], true], [d, false], false));
      host.colSums(d.values(false), rows, sizes[l][1], grad(biasName(l + 1), i));
      if (l === 0) break;
      // The gradient through relu takes the place of the activation it is masked by (no longer needed).
      d = inputsOf[l].throughRelu(product([d, false], [weights[l], true], true));
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
 * host, on a CPU backend whose memory the host kernels cannot work in (tfjs's cpu backend; tfjs-wasm
 * runs `heapPass`). With a batch as large as the hidden layer or larger, the weights are the smaller operand
 * to repack, and the activations stay in the backend between the kernels: moving them to the host
 * and back cost as much as the kernels saved, and more with both cores at work (measured). One
 * model at a time, each its whole pass, in the first block of the batch buffers: its batch and
 * activations (~15 MB) stay in the cache between its kernels, where all K models' layer by layer
 * would stream them from memory (with both cores at work, a few percent slower: 45 against 48 ms
 * a model's step at K = 12, measured). Each model's values are the same either way.
 */
function kernelPass({ model, layout, objective, batchSize, param, grad }: CpuPhase, inputs: HostInputs): Pass {
  const width = DIGITS + model.shape.m;
  const shapes = paramShapes(model.shape);
  const dLogits = new Float32Array(batchSize * width);
  const modelPass = (i: number, indices: Uint32Array) =>
    tf.tidy(() => {
      const rows = indices.length;
      const { all, allT } = inputs([indices], i);
      const { x, xT } = layout.inputs(all, allT, 1, rows, IMAGE_PIXELS);
      const weights = Object.fromEntries(model.names.map((name) => [name, [tf.tensor(param(name, i), shapes[name])]])) as LayoutParams;
      const forward = model.forward(x, layout, weights);
      const gradient = dLogits.subarray(0, rows * width);
      const loss = lossAndGradient(objective, i, forward.out[0].dataSync() as Float32Array, width, indices, gradient);
      const gradients = model.backward(x, forward, [tf.tensor2d(gradient, [rows, width])], layout, xT);
      for (const name of model.names) grad(name, i).set(gradients[name][0].dataSync() as Float32Array);
      return loss;
    });
  return (indices) => indices.reduce((total, modelIndices, i) => total + modelPass(i, modelIndices), 0) / indices.length;
}

/**
 * `kernelPass` on tfjs-wasm with the host kernels in the backend's own memory (wasmHeap.ts): the
 * products are tfjs's (XNNPACK) as there, but the batch is written straight into its tensors, and
 * bias and relu, relu's mask, the bias gradients and the transposes the products need are passes
 * over the backend's buffers, where tfjs's kernels took a pass each and copies in and out. The
 * same arithmetic in the same order (the host kernels do tfjs's float32 operations), so the same bits.
 */
function heapPass({ model, objective, param, grad }: CpuPhase, heap: TfjsHeap, batches: HeapBatches): Pass {
  const sizes = layerSizes(model.shape);
  const layers = sizes.length;
  const width = DIGITS + model.shape.m;
  const { kernels } = heap;
  const widest = Math.max(...sizes.map(([, fanOut]) => fanOut));
  const offset = (t: tf.Tensor) => heap.offset(t);
  /** A new tensor holding the transpose of t [rows, cols]. */
  const transposed = (t: tf.Tensor, rows: number, cols: number) => {
    const out = heap.tensor([cols, rows]);
    kernels.transpose(offset(t), rows, cols, offset(out));
    return out;
  };
  const modelPass = (i: number, indices: Uint32Array) =>
    tf.tidy(() => {
      const rows = indices.length;
      const x = heap.tensor([rows, IMAGE_PIXELS]);
      const xT = heap.tensor([IMAGE_PIXELS, rows]);
      batches.fill(i, indices, x, xT);
      // Fresh weight tensors every step: tfjs-wasm keeps a weight's packed form by its tensor.
      const weights = sizes.map((shape, l) => tf.tensor2d(param(weightName(l + 1), i), shape));
      // Forward: h = relu(a·W + b) in place for each hidden layer, kept with its transpose (the weight gradient's left operand).
      const inputs = [x];
      const inputsT = [xT];
      for (let l = 0; l < layers - 1; l++) {
        const h = tf.matMul(inputs[l], weights[l]);
        const bias = tf.tensor1d(param(biasName(l + 1), i));
        kernels.biasRelu(offset(h), offset(bias), rows, sizes[l][1], 0, offset(h));
        inputs.push(h);
        inputsT.push(transposed(h, rows, sizes[l][1]));
      }
      const logits = tf.matMul(inputs[layers - 1], weights[layers - 1]);
      const dLogits = heap.tensor([rows, width]);
      const biasGrad = heap.tensor([widest]);
      // The views after the last allocation before they are read (an allocation may move the heap).
      const out = heap.view(logits);
      const bias = param(biasName(layers), i);
      for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[r * width + c] = Math.fround(out[r * width + c] + bias[c]);
      const loss = lossAndGradient(objective, i, out, width, indices, heap.view(dLogits));
      // Backward, layer by layer: dW = aᵀ·d, db = column sums of d, and d for the layer below through relu's mask, in place.
      let d = dLogits;
      for (let l = layers - 1; l >= 0; l--) {
        const [fanIn, fanOut] = sizes[l];
        const dW = tf.matMul(inputsT[l], d);
        kernels.colSums(offset(d), rows, fanOut, offset(biasGrad));
        grad(weightName(l + 1), i).set(heap.view(dW));
        grad(biasName(l + 1), i).set(heap.view(biasGrad).subarray(0, fanOut));
        if (l === 0) break;
        const below = tf.matMul(d, transposed(weights[l], fanIn, fanOut));
        kernels.mask(offset(below), offset(inputs[l]), rows * fanIn, offset(below));
        d = below;
      }
      return loss;
    });
  return (indices) => indices.reduce((total, modelIndices, i) => total + modelPass(i, modelIndices), 0) / indices.length;
}

/** The phase's batches in the heap, or the heap's blocks freed if they cannot all be made. */
function heapBatchesOrFree(heap: TfjsHeap, plan: PhasePlan): HeapBatches {
  try {
    return heapBatches(heap, plan.inputs, plan.batchSize);
  } catch (error) {
    heap.dispose();
    throw error;
  }
}

/**
 * The step on a CPU backend (tfjs-wasm), where every kernel launch costs tens of microseconds
 * and reading a tensor is a copy. The parameters and Adam's moments live on the host for the
 * phase, Adam runs there in one pass (as WebAssembly SIMD, hostWasm.ts), and each step writes the
 * updated parameters into the model, so that it is current between steps (for evaluation). Its
 * forward and backward pass is `transposedPass` for a batch smaller than the hidden layer, else
 * `heapPass` on tfjs-wasm and `kernelPass` elsewhere. On tfjs-wasm they give the same bits (each
 * entry of a product is the same dot product, summed in the same order; the host's passes do the
 * kernels' float32 arithmetic); tfjs's cpu backend sums in float64 blocks, so there only
 * `kernelPass` gives its kernels' bits.
 */
export async function cpuStep(
  model: Mlp,
  plan: PhasePlan,
  layout: ModelLayout,
  /** inHeap: false runs `kernelPass` on tfjs-wasm too (for tests comparing the two). */
  { inHeap = true } = {},
): Promise<TrainingStep> {
  const k = model.count;
  const transposed = plan.batchSize < model.shape.hidden;
  // Every parameter of every model end to end, so that Adam is one pass: [w1 of K models, b1 of K models, …].
  const sizes = {} as Record<ParamName, number>;
  /** Where each parameter starts in a buffer laid out as `params`. */
  const starts = {} as Record<ParamName, number>;
  let paramCount = 0;
  for (const name of model.names) {
    sizes[name] = model.params[name].size;
    starts[name] = paramCount;
    paramCount += sizes[name];
  }
  const roomSizes = transposed ? transposedRoom(model, plan.batchSize) : null;
  const heap = transposed || !inHeap ? null : TfjsHeap.ofActiveBackend();
  const paramBuffers = [paramCount, paramCount, paramCount, paramCount];
  // In the heap the batches go straight into their tensors; else the kernel pass fills one model's batch at a time, the transposed pass all K at once.
  const { host, inputs, rest } = heap
    ? { host: hostBuffers(paramBuffers, { maxRows: plan.batchSize }), inputs: null, rest: null }
    : phaseBuffers(plan, layout, [...paramBuffers, ...(roomSizes ?? [])], { models: transposed ? k : 1 });
  const [params, grads, m, v, ...roomBuffers] = rest ?? host.f32;
  /** Model i's part of a parameter in a buffer laid out as `params`. */
  const part = (values: Float32Array, name: ParamName, i: number) =>
    values.subarray(starts[name] + (i * sizes[name]) / k, starts[name] + ((i + 1) * sizes[name]) / k);
  model.names.forEach((name) => params.set(model.params[name].dataSync() as Float32Array, starts[name]));
  const phase: CpuPhase = {
    model,
    layout,
    host,
    objective: await hostObjective(plan.objective),
    batchSize: plan.batchSize,
    param: (name, i) => part(params, name, i),
    grad: (name, i) => part(grads, name, i),
  };
  const pass = heap
    ? heapPass(phase, heap, heapBatchesOrFree(heap, plan))
    : roomSizes
      ? transposedPass(phase, inputs!, roomBuffers)
      : kernelPass(phase, inputs!);
  let t = 0;
  return {
    kernels: { step: 'tfjs' },
    async run(indices) {
      t += 1;
      const loss = pass(indices);
      host.adam(params, grads, m, v, plan.lr, t);
      tf.tidy(() =>
        model.names.forEach((name) =>
          model.params[name].assign(tf.tensor(params.subarray(starts[name], starts[name] + sizes[name]), model.params[name].shape)),
        ),
      );
      return loss;
    },
    dispose: () => heap?.dispose(),
  };
}

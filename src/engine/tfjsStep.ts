/**
 * The training step and the teacher's noise pass written with tfjs kernels, for any backend:
 * batches built on the host, the hand-written backward pass of mlp.ts, Adam as adam.ts. How the
 * K models' layers are computed is the layout's business (layout.ts).
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
 * fill them): each model's inputs, and, for layouts that want them, transposed.
 */
function batchInputs(plan: PhasePlan, layout: ModelLayout, host: HostBuffers, xBuffer: Float32Array, xTBuffer: Float32Array | null) {
  const k = plan.orderSeeds.length;
  const { inputs } = plan;
  return (indices: readonly Uint32Array[]) => {
    // K model-major blocks; tf.tensor copies them, so reuse is safe.
    const per = indices[0].length * IMAGE_PIXELS;
    const x = xBuffer.subarray(0, k * per);
    const xT = xTBuffer?.subarray(0, k * per) ?? null;
    indices.forEach((modelIndices, i) => {
      const [out, outT] = [x.subarray(i * per, (i + 1) * per), xT?.subarray(i * per, (i + 1) * per)];
      if (inputs.kind === 'images') fillImages(inputs.split, modelIndices, out, outT);
      else host.fillNoise(inputs.seeds[i], modelIndices, out, outT);
    });
    return layout.inputs(x, xT, k, indices[0].length, IMAGE_PIXELS);
  };
}

/** Host buffers for a phase's batches (x, and xᵀ where the layout wants it), then `extra` more. */
function phaseBuffers(plan: PhasePlan, layout: ModelLayout, extra: readonly number[] = []) {
  const block = plan.orderSeeds.length * plan.batchSize * IMAGE_PIXELS;
  const host = hostBuffers([block, layout.wantsTransposedInputs ? block : 0, ...extra], plan.batchSize);
  const [x, xT, ...rest] = host.f32;
  return { host, inputs: batchInputs(plan, layout, host, x, layout.wantsTransposedInputs ? xT : null), rest };
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
        const { x, xT } = inputs(indices);
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
 * The step on a CPU backend (tfjs-wasm), where every kernel launch costs tens of microseconds
 * and reading a tensor is a copy: the matrix products run in tfjs (XNNPACK), everything else on
 * the host in one pass each (hostMath.ts; Adam and the noise set as WebAssembly SIMD, hostWasm.ts).
 * The parameters and Adam's moments live on the host for the phase; each step makes each model's
 * weights from them, reads each gradient back once, and writes the updated parameters into the
 * model, so that it is current between steps (for evaluation) at the cost of a copy.
 */
export async function cpuStep(model: Mlp, plan: PhasePlan, layout: ModelLayout): Promise<TrainingStep> {
  const k = model.count;
  const width = DIGITS + model.shape.m;
  const shapes = paramShapes(model.shape);
  // Every parameter of every model end to end, so that Adam is one pass: [w1 of K models, b1 of K models, …].
  const sizes = PARAM_NAMES.map((name) => model.params[name].size);
  const paramCount = sizes.reduce((a, b) => a + b, 0);
  const { host, inputs, rest } = phaseBuffers(plan, layout, [paramCount, paramCount, paramCount, paramCount]);
  const [params, grads, m, v] = rest;
  const starts = sizes.map((_, n) => sizes.slice(0, n).reduce((a, b) => a + b, 0));
  /** Model i's part of parameter n in a buffer laid out as `params`. */
  const part = (values: Float32Array, n: number, i: number) =>
    values.subarray(starts[n] + (i * sizes[n]) / k, starts[n] + ((i + 1) * sizes[n]) / k);
  PARAM_NAMES.forEach((name, n) => params.set(model.params[name].dataSync() as Float32Array, starts[n]));
  const objective = await hostObjective(plan.objective);
  const dLogits = new Float32Array(plan.batchSize * width);
  let t = 0;
  return {
    kernels: { step: 'tfjs' },
    async run(indices) {
      t += 1;
      const rows = indices[0].length;
      const loss = tf.tidy(() => {
        const { x, xT } = inputs(indices);
        const weights = Object.fromEntries(
          PARAM_NAMES.map((name, n) => [name, Array.from({ length: k }, (_, i) => tf.tensor(part(params, n, i), shapes[name]))]),
        ) as LayoutParams;
        const forward = model.forward(x, layout, weights);
        let total = 0;
        const dOut = forward.out.map((out, i) => {
          const grad = dLogits.subarray(0, rows * width);
          total += lossAndGradient(objective, i, out.dataSync() as Float32Array, width, indices[i], grad);
          return tf.tensor2d(grad, [rows, width]);
        });
        const gradients = model.backward(x, forward, dOut, layout, xT);
        PARAM_NAMES.forEach((name, n) => gradients[name].forEach((grad, i) => part(grads, n, i).set(grad.dataSync() as Float32Array)));
        host.adam(params, grads, m, v, plan.lr, t);
        return total / k;
      });
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

/** Teacher k's logits on noise set `noiseSeeds[k]`, batch by batch with tfjs's kernels. */
export async function tfjsNoiseLogits(
  teacher: Mlp,
  layout: ModelLayout,
  noiseSeeds: readonly number[],
  count: number,
  batchSize: number,
): Promise<NoiseTargets> {
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

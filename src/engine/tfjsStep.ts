/**
 * The training step and the teacher's noise pass written with tfjs kernels, for any backend:
 * batches built on the host, the hand-written backward pass of mlp.ts, Adam as adam.ts. How the
 * K models' layers are computed is the layout's business (layout.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise } from '../protocol/random';
import type { KernelUse } from '../protocol/results';
import { Adam } from './adam';
import { batchRanges, fillImages, fillOneHot } from './data';
import type { ModelLayout } from './layout';
import { digitCrossEntropy, distillationKl, distilledColumns, type LossAndGrad } from './losses';
import { adamUpdate, logSoftmaxRows, lossAndGradient, type HostObjective } from './hostMath';
import { PARAM_NAMES, paramShapes, type LayoutParams, type Mlp, type ParamName } from './mlp';
import type { NoiseTargets, PhaseInputs, PhaseObjective, PhasePlan, TrainingStep } from './phase';

/** Writes model `model`'s inputs for the examples at `indices` into `x` (row-major, 784 per example) and, if given, transposed into `xT`. */
export function fillInputs(inputs: PhaseInputs, model: number, indices: Uint32Array, x: Float32Array, xT?: Float32Array): void {
  if (inputs.kind === 'images') fillImages(inputs.split, indices, x, xT);
  else fillNoise(inputs.seeds[model], indices, x, xT);
}

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

/** A phase's batches on the host: each model's inputs (and, for layouts that want them, transposed), into buffers made once. */
function batchInputs(plan: PhasePlan, layout: ModelLayout) {
  const k = plan.orderSeeds.length;
  // K model-major blocks; tf.tensor copies them, so reuse is safe.
  const block = plan.batchSize * IMAGE_PIXELS;
  const xBuffer = new Float32Array(k * block);
  const xTBuffer = layout.wantsTransposedInputs ? new Float32Array(k * block) : null;
  return (indices: readonly Uint32Array[]) => {
    const per = indices[0].length * IMAGE_PIXELS;
    const x = xBuffer.subarray(0, k * per);
    const xT = xTBuffer?.subarray(0, k * per) ?? null;
    indices.forEach((modelIndices, i) =>
      fillInputs(plan.inputs, i, modelIndices, x.subarray(i * per, (i + 1) * per), xT?.subarray(i * per, (i + 1) * per)),
    );
    return layout.inputs(x, xT, k, indices[0].length, IMAGE_PIXELS);
  };
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
  const inputs = batchInputs(plan, layout);
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
 * the host in one pass each (hostMath.ts). The parameters and Adam's moments live on the host for
 * the phase; each step makes each model's weights from them, reads each gradient back once, and
 * writes the updated parameters into the model, so that it is current between steps (for
 * evaluation) at the cost of a copy.
 */
export async function cpuStep(model: Mlp, plan: PhasePlan, layout: ModelLayout): Promise<TrainingStep> {
  const k = model.count;
  const width = DIGITS + model.shape.m;
  const shapes = paramShapes(model.shape);
  const params = Object.fromEntries(PARAM_NAMES.map((name) => [name, model.params[name].dataSync() as Float32Array])) as Record<
    ParamName,
    Float32Array
  >;
  const moments = PARAM_NAMES.map((name) => [new Float32Array(params[name].length), new Float32Array(params[name].length)]);
  const objective = await hostObjective(plan.objective);
  const inputs = batchInputs(plan, layout);
  const dLogits = new Float32Array(plan.batchSize * width);
  let t = 0;
  /** Model k's part of a stacked host array. */
  const part = (values: Float32Array, model: number) => values.subarray((model * values.length) / k, ((model + 1) * values.length) / k);
  return {
    kernels: { step: 'tfjs' },
    async run(indices) {
      t += 1;
      const rows = indices[0].length;
      const loss = tf.tidy(() => {
        const { x, xT } = inputs(indices);
        const weights = Object.fromEntries(
          PARAM_NAMES.map((name) => [name, Array.from({ length: k }, (_, i) => tf.tensor(part(params[name], i), shapes[name]))]),
        ) as LayoutParams;
        const forward = model.forward(x, layout, weights);
        let total = 0;
        const dOut = forward.out.map((out, i) => {
          const grad = dLogits.subarray(0, rows * width);
          total += lossAndGradient(objective, i, out.dataSync() as Float32Array, width, indices[i], grad);
          return tf.tensor2d(grad, [rows, width]);
        });
        const grads = model.backward(x, forward, dOut, layout, xT);
        PARAM_NAMES.forEach((name, n) =>
          grads[name].forEach((grad, i) =>
            adamUpdate(part(params[name], i), grad.dataSync() as Float32Array, part(moments[n][0], i), part(moments[n][1], i), plan.lr, t),
          ),
        );
        return total / k;
      });
      tf.tidy(() => PARAM_NAMES.forEach((name) => model.params[name].assign(tf.tensor(params[name], model.params[name].shape))));
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
  const x = new Float32Array(k * batchSize * IMAGE_PIXELS);
  for (const [start, end] of batchRanges(count, batchSize)) {
    const n = end - start;
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const per = n * IMAGE_PIXELS;
    noiseSeeds.forEach((seed, i) => fillNoise(seed, indices, x.subarray(i * per, (i + 1) * per)));
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

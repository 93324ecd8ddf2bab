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
import type { Mlp } from './mlp';
import type { NoiseTargets, PhaseInputs, PhaseObjective, PhasePlan, TrainingStep } from './phase';

/** Writes model `model`'s inputs for the examples at `indices` into `x` (row-major, 784 per example) and, if given, transposed into `xT`. */
export function fillInputs(inputs: PhaseInputs, model: number, indices: Uint32Array, x: Float32Array, xT?: Float32Array): void {
  if (inputs.kind === 'images') fillImages(inputs.split, indices, x, xT);
  else fillNoise(inputs.seeds[model], indices, x, xT);
}

/** The objective as the host needs it per step: labels, or the teacher's logits read back once for the phase. */
type HostObjective =
  | { kind: 'digits'; labels: readonly Uint8Array[] }
  | { kind: 'distill'; logits: Float32Array; count: number; width: number; distill: Distill };

async function hostObjective(objective: PhaseObjective): Promise<HostObjective> {
  if (objective.kind === 'digits') return objective;
  const { targets, distill } = objective;
  return { kind: 'distill', logits: (await targets.logits.data()) as Float32Array, count: targets.count, width: targets.width, distill };
}

/**
 * The loss and its gradient with respect to the logits (model-major rows), given each model's
 * example indices; `scratch` (reused across steps) holds the batch's labels or targets, and
 * must have room for K·B·max(10, 10 + m) values. Call inside tf.tidy.
 */
function lossFor(objective: HostObjective, logits: tf.Tensor2D, indices: readonly Uint32Array[], scratch: Float32Array): LossAndGrad {
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

/** The step with tfjs's kernels; `kernels` says why it runs (a fallback from the fused step names its reason). */
export async function tfjsStep(
  model: Mlp,
  plan: PhasePlan,
  layout: ModelLayout,
  kernels: KernelUse = { step: 'tfjs' },
): Promise<TrainingStep> {
  const k = plan.orderSeeds.length;
  const objective = await hostObjective(plan.objective);
  const optimizer = new Adam(model.params, plan.lr);
  // Input buffers for the whole phase, K model-major blocks; tf.tensor copies them, so reuse is safe.
  const block = plan.batchSize * IMAGE_PIXELS;
  const xBuffer = new Float32Array(k * block);
  const xTBuffer = layout.wantsTransposedInputs ? new Float32Array(k * block) : null;
  const lossScratch = new Float32Array(k * plan.batchSize * (DIGITS + model.shape.m));
  return {
    kernels,
    async run(indices, readLoss) {
      const size = indices[0].length;
      const per = size * IMAGE_PIXELS;
      const xValues = xBuffer.subarray(0, k * per);
      const xTValues = xTBuffer?.subarray(0, k * per) ?? null;
      indices.forEach((modelIndices, i) =>
        fillInputs(plan.inputs, i, modelIndices, xValues.subarray(i * per, (i + 1) * per), xTValues?.subarray(i * per, (i + 1) * per)),
      );
      const loss = tf.tidy(() => {
        const { x, xT } = layout.inputs(xValues, xTValues, k, size, IMAGE_PIXELS);
        const forward = model.forward(x, layout);
        const { loss, dLogits } = lossFor(objective, forward.logits, indices, lossScratch);
        optimizer.apply(model.backward(x, forward, dLogits, layout, xT));
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

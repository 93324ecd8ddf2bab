/**
 * The training step written with tfjs's kernels throughout, for any backend: the hand-written
 * backward pass of mlp.ts with Adam as adam.ts (how the K models' layers are computed is the
 * layout's business, layout.ts), batches built on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import type { StudentLoss } from '../protocol/config';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import type { KernelUse } from '../protocol/results';
import { Adam } from './adam';
import { fillOneHot } from './data';
import { phaseBuffers } from './hostBatches';
import type { ModelLayout } from './layout';
import { digitCrossEntropy, distillationLoss, distilledColumns, type LossAndGrad } from './losses';
import type { Mlp } from './mlp';
import type { PhaseObjective, PhasePlan, TrainingStep } from './phase';

/** The objective as the tfjs-kernel step needs it per step: labels, or the teacher's logits read back once for the phase. */
type KernelObjective =
  | { kind: 'digits'; labels: readonly Uint8Array[] }
  | { kind: 'distill'; logits: Float32Array; count: number; width: number; distill: Distill; loss: StudentLoss };

async function kernelObjective(objective: PhaseObjective): Promise<KernelObjective> {
  if (objective.kind === 'digits') return objective;
  const { targets, distill, loss } = objective;
  return {
    kind: 'distill',
    logits: (await targets.logits.data()) as Float32Array,
    count: targets.count,
    width: targets.width,
    distill,
    loss,
  };
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
  return distillationLoss(logits, tf.tensor2d(chosen, [models * batch, size]), objective.distill, objective.loss, batch);
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
        optimizer.apply(Object.fromEntries(model.names.map((name) => [name, layout.stack(grads[name])])));
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

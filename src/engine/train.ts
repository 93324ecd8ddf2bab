/** One training phase: epochs of shuffled minibatches, a hand-written step, Adam. */
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './adam';
import { IMAGE_PIXELS, type MatMulForm, type Mlp } from './mlp';
import { batchRanges, batchesPerEpoch } from './data';
import type { LossAndGrad } from './losses';
import { Rng } from './rng';

export interface PhasePlan {
  epochs: number;
  exampleCount: number;
  batchSize: number;
  lr: number;
  /** Seed of the per-epoch shuffles. */
  orderSeed: number;
  /** Writes the inputs of the examples at `indices` into `x` (row-major, 784 per example) and, if given, transposed into `xT`. */
  fillInputs(indices: Uint32Array, x: Float32Array, xT?: Float32Array): void;
  /** The loss and its gradient with respect to the logits (model-major rows), for the examples at `indices`. Runs inside tf.tidy. */
  lossFor(logits: tf.Tensor2D, indices: Uint32Array): LossAndGrad;
}

export interface StepInfo {
  /** 1-based step within the phase. */
  step: number;
  /** 1-based epoch. */
  epoch: number;
  phaseSteps: number;
  /** The batch loss (mean over the models trained together), read back only every `logEvery` steps and on the last step. */
  loss: number | null;
}

export interface PhaseHooks {
  form: MatMulForm;
  logEvery: number;
  /** Awaited before every step: where a run yields to its host, pauses, or is cancelled (by throwing). */
  beforeStep(): Promise<void>;
  afterStep(info: StepInfo): Promise<void>;
}

export function phaseSteps(plan: Pick<PhasePlan, 'epochs' | 'exampleCount' | 'batchSize'>): number {
  return plan.epochs * batchesPerEpoch(plan.exampleCount, plan.batchSize);
}

export async function trainPhase(model: Mlp, plan: PhasePlan, hooks: PhaseHooks): Promise<void> {
  const optimizer = new Adam(model.params, plan.lr);
  const rng = new Rng(plan.orderSeed);
  const total = phaseSteps(plan);
  // Input buffers for the whole phase; tf.tensor copies them, so reuse is safe. GPU backends
  // transpose for free inside matmul; elsewhere xᵀ is written beside x (see fillImages).
  const xBuffer = new Float32Array(plan.batchSize * IMAGE_PIXELS);
  const xTBuffer = hooks.form.gpu ? null : new Float32Array(plan.batchSize * IMAGE_PIXELS);
  let step = 0;
  try {
    for (let epoch = 1; epoch <= plan.epochs; epoch++) {
      const order = rng.permutation(plan.exampleCount);
      for (const [start, end] of batchRanges(plan.exampleCount, plan.batchSize)) {
        await hooks.beforeStep();
        step += 1;
        const indices = order.subarray(start, end);
        const size = end - start;
        const xValues = xBuffer.subarray(0, size * IMAGE_PIXELS);
        const xTValues = xTBuffer?.subarray(0, size * IMAGE_PIXELS);
        plan.fillInputs(indices, xValues, xTValues);
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(xValues, [size, IMAGE_PIXELS]);
          const xT = xTValues ? tf.tensor2d(xTValues, [IMAGE_PIXELS, size]) : null;
          const forward = model.forward(x, hooks.form);
          const { loss, dLogits } = plan.lossFor(forward.logits, indices);
          optimizer.apply(model.backward(x, forward, dLogits, hooks.form, xT));
          return loss;
        });
        const read = step % hooks.logEvery === 0 || step === total;
        const lossValue = read ? (await loss.data())[0] : null;
        loss.dispose();
        await hooks.afterStep({ step, epoch, phaseSteps: total, loss: lossValue });
      }
    }
  } finally {
    optimizer.dispose();
  }
}

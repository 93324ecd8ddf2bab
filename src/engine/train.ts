/** One training phase: epochs of shuffled minibatches, each model in its own order; a hand-written step; Adam. */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_PIXELS } from '../protocol/constants';
import { Rng } from '../protocol/random';
import type { StepInfo } from '../protocol/results';
import { Adam } from './adam';
import { phaseSteps } from '../protocol/schedule';
import { batchRanges } from './data';
import type { ModelLayout } from './layout';
import type { LossAndGrad } from './losses';
import type { Mlp } from './mlp';

export interface PhasePlan {
  epochs: number;
  exampleCount: number;
  batchSize: number;
  lr: number;
  /** Seed of each model's per-epoch shuffles: one per model, so K = orderSeeds.length. */
  orderSeeds: readonly number[];
  /** Writes model `model`'s inputs for the examples at `indices` into `x` (row-major, 784 per example) and, if given, transposed into `xT`. */
  fillInputs(model: number, indices: Uint32Array, x: Float32Array, xT?: Float32Array): void;
  /** The loss and its gradient with respect to the logits (model-major rows), given each model's example indices. Runs inside tf.tidy. */
  lossFor(logits: tf.Tensor2D, indices: readonly Uint32Array[]): LossAndGrad;
}

export interface PhaseHooks {
  layout: ModelLayout;
  logEvery: number;
  /**
   * Awaited before every step: where a run yields to its host, pauses, or is cancelled (by
   * throwing). Resolves true for a step the host wants reported in full (one taken by hand).
   */
  beforeStep(): Promise<boolean | void>;
  /** `inspect`: the step is to be reported in full (its loss read, the model evaluated). */
  afterStep(info: StepInfo, inspect: boolean): Promise<void>;
}

export async function trainPhase(model: Mlp, plan: PhasePlan, hooks: PhaseHooks): Promise<void> {
  const k = plan.orderSeeds.length;
  if (k !== model.count) throw new Error(`trainPhase: ${k} data orders for ${model.count} models`);
  const optimizer = new Adam(model.params, plan.lr);
  const rngs = plan.orderSeeds.map((seed) => new Rng(seed));
  const total = phaseSteps(plan);
  // Input buffers for the whole phase, K model-major blocks; tf.tensor copies them, so reuse is safe.
  const block = plan.batchSize * IMAGE_PIXELS;
  const xBuffer = new Float32Array(k * block);
  const xTBuffer = hooks.layout.wantsTransposedInputs ? new Float32Array(k * block) : null;
  let step = 0;
  try {
    for (let epoch = 1; epoch <= plan.epochs; epoch++) {
      const orders = rngs.map((rng) => rng.permutation(plan.exampleCount));
      for (const [start, end] of batchRanges(plan.exampleCount, plan.batchSize)) {
        const inspect = (await hooks.beforeStep()) === true;
        step += 1;
        const size = end - start;
        const indices = orders.map((order) => order.subarray(start, end));
        const xValues = xBuffer.subarray(0, k * size * IMAGE_PIXELS);
        const xTValues = xTBuffer?.subarray(0, k * size * IMAGE_PIXELS) ?? null;
        const per = size * IMAGE_PIXELS;
        indices.forEach((modelIndices, i) =>
          plan.fillInputs(i, modelIndices, xValues.subarray(i * per, (i + 1) * per), xTValues?.subarray(i * per, (i + 1) * per)),
        );
        const loss = tf.tidy(() => {
          const { x, xT } = hooks.layout.inputs(xValues, xTValues, k, size, IMAGE_PIXELS);
          const forward = model.forward(x, hooks.layout);
          const { loss, dLogits } = plan.lossFor(forward.logits, indices);
          optimizer.apply(model.backward(x, forward, dLogits, hooks.layout, xT));
          return loss;
        });
        const read = inspect || step % hooks.logEvery === 0 || step === total;
        let lossValue: number | null = null;
        try {
          if (read) lossValue = (await loss.data())[0];
        } finally {
          loss.dispose();
        }
        await hooks.afterStep({ step, epoch, phaseSteps: total, loss: lossValue }, inspect);
      }
    }
  } finally {
    optimizer.dispose();
  }
}

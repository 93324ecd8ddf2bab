/** One training phase: epochs of shuffled minibatches, each model in its own order; a hand-written step; Adam. */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { Rng } from '../protocol/random';
import type { StepInfo } from '../protocol/results';
import { Adam } from './adam';
import { phaseSteps } from '../protocol/schedule';
import { batchRanges } from './data';
import type { ModelLayout } from './layout';
import type { Mlp } from './mlp';
import { fillInputs, lossFor, type PhaseInputs, type PhaseObjective } from './plans';
import { createFusedStep, fusedStepFits } from './webgpu/trainer';

export interface PhasePlan {
  epochs: number;
  exampleCount: number;
  batchSize: number;
  lr: number;
  /** Seed of each model's per-epoch shuffles: one per model, so K = orderSeeds.length. */
  orderSeeds: readonly number[];
  inputs: PhaseInputs;
  objective: PhaseObjective;
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

/** One training step of every model on its example indices; resolves to the mean loss when `readLoss`. */
type Step = (indices: readonly Uint32Array[], readLoss: boolean) => Promise<number | null>;

/** The step written with tfjs kernels, for any backend: batches built on the host, Adam as adam.ts. */
function tfjsStep(model: Mlp, plan: PhasePlan, layout: ModelLayout): { run: Step; dispose(): void } {
  const k = plan.orderSeeds.length;
  const optimizer = new Adam(model.params, plan.lr);
  // Input buffers for the whole phase, K model-major blocks; tf.tensor copies them, so reuse is safe.
  const block = plan.batchSize * IMAGE_PIXELS;
  const xBuffer = new Float32Array(k * block);
  const xTBuffer = layout.wantsTransposedInputs ? new Float32Array(k * block) : null;
  const lossScratch = new Float32Array(k * plan.batchSize * (DIGITS + model.shape.m));
  return {
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
        const { loss, dLogits } = lossFor(plan.objective, forward.logits, indices, lossScratch);
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

/** The layout's step: fused WebGPU kernels where the layout asks for them and the phase fits the device, else tfjs's. */
async function stepFor(model: Mlp, plan: PhasePlan, layout: ModelLayout): Promise<{ run: Step; dispose(): void }> {
  if (layout.fusedSteps && fusedStepFits(model, plan.inputs, plan.objective, plan.batchSize))
    return createFusedStep(model, plan.inputs, plan.objective, plan.batchSize, plan.lr);
  return tfjsStep(model, plan, layout);
}

export async function trainPhase(model: Mlp, plan: PhasePlan, hooks: PhaseHooks): Promise<void> {
  const k = plan.orderSeeds.length;
  if (k !== model.count) throw new Error(`trainPhase: ${k} data orders for ${model.count} models`);
  const rngs = plan.orderSeeds.map((seed) => new Rng(seed));
  const total = phaseSteps(plan);
  const step = await stepFor(model, plan, hooks.layout);
  let done = 0;
  try {
    for (let epoch = 1; epoch <= plan.epochs; epoch++) {
      const orders = rngs.map((rng) => rng.permutation(plan.exampleCount));
      for (const [start, end] of batchRanges(plan.exampleCount, plan.batchSize)) {
        const inspect = (await hooks.beforeStep()) === true;
        done += 1;
        const indices = orders.map((order) => order.subarray(start, end));
        const loss = await step.run(indices, inspect || done % hooks.logEvery === 0 || done === total);
        await hooks.afterStep({ step: done, epoch, phaseSteps: total, loss }, inspect);
      }
    }
  } finally {
    step.dispose();
  }
}

/** One training phase: epochs of shuffled minibatches, each model in its own order, with the step its layout makes. */
import { Rng } from '../protocol/random';
import type { KernelUse, StepInfo } from '../protocol/results';
import { phaseSteps } from '../protocol/runPlan';
import { batchRanges } from './data';
import type { ModelLayout } from './layout';
import type { Mlp } from './mlp';
import type { PhasePlan } from './phase';

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

/** Trains `model` through `plan`; resolves to the kernels that ran it. */
export async function trainPhase(model: Mlp, plan: PhasePlan, hooks: PhaseHooks): Promise<KernelUse> {
  const k = plan.orderSeeds.length;
  if (k !== model.count) throw new Error(`trainPhase: ${k} data orders for ${model.count} models`);
  const rngs = plan.orderSeeds.map((seed) => new Rng(seed));
  const total = phaseSteps(plan);
  const step = await hooks.layout.createStep(model, plan);
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
  return step.kernels;
}

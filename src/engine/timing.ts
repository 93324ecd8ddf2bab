/**
 * Times warm training steps of the real model on the active backend: the measure behind the
 * page's automatic backend choice and the benchmarks. The first steps (GPU kernel compilation,
 * allocation) are not counted; the loss is read back every step so GPU work is included.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS } from '../protocol/constants';
import { layoutFor, type ModelLayout } from './layout';
import { Mlp } from './mlp';
import { studentPlan } from './plans';
import { trainPhase } from './train';

export interface StepTiming {
  /** Models trained side by side. */
  models: number;
  batchSize: number;
  medianMs: number;
  /** Every timed step, sorted. */
  samplesMs: number[];
}

/** One training phase of `steps` steps of the real model on zero targets, for timing and profiling. */
function stepPhase(models: number, batchSize: number, steps: number) {
  const m = 3;
  const seeds = Array.from({ length: models }, (_, k) => k + 1);
  const model = Mlp.init({ hidden: 256, m }, seeds);
  const count = batchSize * steps;
  const width = DIGITS + m;
  const targets = { count, width, logits: tf.zeros([models * count, width]) as tf.Tensor2D };
  const plan = studentPlan(
    { batchSize, lr: 3e-4, studentEpochs: 1, studentLoss: 'kl', noise: 'uniform', noiseBlur: 1 },
    seeds,
    seeds,
    targets,
    'aux',
  );
  return { model, plan, dispose: () => (model.dispose(), targets.logits.dispose()) };
}

/**
 * Kernels (GPU dispatches on tfjs's WebGPU path) that one training step of K models launches in
 * the given layout, counted with tf.profile: phases of 3 and of 1 steps, so the difference leaves
 * out each phase's set-up and clean-up.
 */
export async function kernelsPerStep(models: number, layout: ModelLayout, batchSize = 256): Promise<number> {
  const kernelsOfPhase = async (steps: number) => {
    const { model, plan, dispose } = stepPhase(models, batchSize, steps);
    try {
      const info = await tf.profile(async () => {
        await trainPhase(model, plan, { layout, logEvery: 1, beforeStep: async () => {}, afterStep: async () => {} });
      });
      return info.kernels.length;
    } finally {
      dispose();
    }
  };
  return ((await kernelsOfPhase(3)) - (await kernelsOfPhase(1))) / 2;
}

/**
 * A steady-state training step's cost by some counter (dispatches, buffers…): `read` is taken
 * after each step, and the mean difference over the steps after the first two is returned.
 */
export async function perStep(read: () => number[], models: number, layout: ModelLayout, batchSize = 256, steps = 5): Promise<number[]> {
  const { model, plan, dispose } = stepPhase(models, batchSize, steps);
  const readings: number[][] = [];
  try {
    await trainPhase(model, plan, { layout, logEvery: 1, beforeStep: async () => {}, afterStep: async () => void readings.push(read()) });
  } finally {
    dispose();
  }
  const [first, last] = [readings[1], readings[readings.length - 1]];
  return first.map((value, i) => (last[i] - value) / (readings.length - 2));
}

export async function timeTrainingSteps({
  models = 1,
  batchSize = 1024,
  warmup = 2,
  steps = 5,
  layout = layoutFor(tf.getBackend()),
} = {}): Promise<StepTiming> {
  const { model, plan, dispose } = stepPhase(models, batchSize, warmup + steps);
  const times: number[] = [];
  let last = 0;
  try {
    await trainPhase(model, plan, {
      layout,
      logEvery: 1,
      beforeStep: async () => {
        last = performance.now();
      },
      afterStep: async ({ step }) => {
        if (step > warmup) times.push(performance.now() - last);
      },
    });
  } finally {
    dispose();
  }
  times.sort((a, b) => a - b);
  return { models, batchSize, medianMs: times[Math.floor(times.length / 2)], samplesMs: times };
}

/** FLOPs of one training step of K models at batch B: 2 per multiply-add forward, twice that backward. */
export function stepFlops(models: number, batchSize: number, hidden = 256, m = 3): number {
  const macs = 784 * hidden + hidden * hidden + hidden * (DIGITS + m);
  return 3 * 2 * batchSize * macs * models;
}

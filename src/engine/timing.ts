/**
 * Times warm training steps of the real model on the active backend: the measure behind the
 * page's automatic backend choice and the benchmarks. The first steps (GPU kernel compilation,
 * allocation) are not counted; the loss is read back every step so GPU work is included.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS } from '../protocol/constants';
import { stepFlops, TIMED_MODEL } from '../protocol/resources';
import { layoutFor, type ModelLayout } from './layout';
import { Mlp } from './mlp';
import { studentPlan } from './plans';
import { trainPhase } from './train';

export interface StepTiming {
  /** Models trained side by side. */
  models: number;
  batchSize: number;
  /** Width of the hidden layers. */
  hidden: number;
  medianMs: number;
  /** Every timed step, sorted. */
  samplesMs: number[];
}

/** One training phase of `steps` steps of the real model on zero targets, for timing and profiling. */
function stepPhase(models: number, batchSize: number, steps: number, hidden = TIMED_MODEL.hidden) {
  const { m } = TIMED_MODEL;
  const seeds = Array.from({ length: models }, (_, k) => k + 1);
  const model = Mlp.init({ ...TIMED_MODEL, hidden }, seeds);
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

export interface TimingOptions {
  models?: number;
  batchSize?: number;
  /** Untimed steps first (kernel compilation, allocation). */
  warmup?: number;
  steps?: number;
  hidden?: number;
  layout?: ModelLayout;
}

export async function timeTrainingSteps({
  models = 1,
  batchSize = 1024,
  warmup = 2,
  steps = 5,
  hidden = TIMED_MODEL.hidden,
  layout = layoutFor(tf.getBackend()),
}: TimingOptions = {}): Promise<StepTiming> {
  const { model, plan, dispose } = stepPhase(models, batchSize, warmup + steps, hidden);
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
  return { models, batchSize, hidden, medianMs: times[Math.floor(times.length / 2)], samplesMs: times };
}

/** A width's warm step beside the timed model's: the measured time ratio and the one the FLOP count predicts. */
export interface WidthTiming {
  hidden: number;
  medianMs: number;
  /** Every timed step over all rounds, sorted. */
  samplesMs: number[];
  /** medianMs over the TIMED_MODEL width's medianMs in the same run. */
  timeRatio: number;
  /** stepFlops at this width over stepFlops at the TIMED_MODEL width. */
  flopRatio: number;
}

/**
 * Warm steps of one model at each of `widths` and at the timed model's width, in `rounds`
 * interleaved rounds so that a busy machine slows every width alike; medians over all rounds.
 */
export async function timeWidths({
  widths,
  rounds = 2,
  ...options
}: { widths: number[]; rounds?: number } & Omit<TimingOptions, 'hidden' | 'models'>): Promise<WidthTiming[]> {
  const all = [...new Set([TIMED_MODEL.hidden, ...widths])];
  const samples = new Map(all.map((hidden) => [hidden, [] as number[]]));
  for (let round = 0; round < rounds; round++)
    for (const hidden of all) samples.get(hidden)!.push(...(await timeTrainingSteps({ ...options, hidden })).samplesMs);
  const median = (hidden: number) => {
    const sorted = samples.get(hidden)!.sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const base = median(TIMED_MODEL.hidden);
  return all.map((hidden) => ({
    hidden,
    medianMs: median(hidden),
    samplesMs: samples.get(hidden)!,
    timeRatio: median(hidden) / base,
    flopRatio: stepFlops(1, 1, { ...TIMED_MODEL, hidden }) / stepFlops(1, 1),
  }));
}

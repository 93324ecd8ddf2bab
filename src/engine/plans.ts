/** The protocol's two kinds of training phase, as plans for trainPhase. Model k is seed k's. */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise } from '../protocol/random';
import { batchRanges, fillImages, fillOneHot, type MnistSplit } from './data';
import type { ModelLayout } from './layout';
import { digitCrossEntropy, distillationKl, distilledColumns, type LossAndGrad } from './losses';
import type { Mlp } from './mlp';
import type { PhasePlan } from './train';
import { fusedNoiseLogits, fusedNoiseLogitsFit } from './webgpu/trainer';

type PlanSettings = Pick<Config, 'batchSize' | 'lr'>;

/** Where a phase's inputs come from, as data (so a GPU can hold it and gather batches itself). */
export type PhaseInputs = { kind: 'images'; split: MnistSplit } | { kind: 'noise'; seeds: readonly number[] };
/** What a phase's loss compares the logits with. */
export type PhaseObjective = { kind: 'digits'; split: MnistSplit } | { kind: 'distill'; targets: NoiseTargets; distill: Distill };

/** Teacher: cross-entropy on the digit logits over MNIST training images (the first `count`), each model in its own order. */
export function teacherPlan(
  settings: PlanSettings & Pick<Config, 'teacherEpochs' | 'trainCount'>,
  train: MnistSplit,
  orderSeeds: readonly number[],
): PhasePlan {
  return {
    epochs: settings.teacherEpochs,
    exampleCount: Math.min(settings.trainCount, train.count),
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeeds,
    inputs: { kind: 'images', split: train },
    objective: { kind: 'digits', split: train },
  };
}

/** Writes model `model`'s inputs for the examples at `indices` into `x` (row-major, 784 per example) and, if given, transposed into `xT`. */
export function fillInputs(inputs: PhaseInputs, model: number, indices: Uint32Array, x: Float32Array, xT?: Float32Array): void {
  if (inputs.kind === 'images') fillImages(inputs.split, indices, x, xT);
  else fillNoise(inputs.seeds[model], indices, x, xT);
}

/**
 * Each model's teacher logits, the distilled columns only, for its examples `indices[k]`, into
 * `out` (model-major rows, [Σ examples, size]); returns the part of `out` written.
 */
export function distilledTargets(
  { targets, distill }: Extract<PhaseObjective, { kind: 'distill' }>,
  indices: readonly ArrayLike<number>[],
  out: Float32Array,
): Float32Array {
  const { width } = targets;
  const { start, size } = distilledColumns(distill, width);
  let row = 0;
  indices.forEach((modelIndices, k) => {
    const teacher = targets.logits[k];
    for (let r = 0; r < modelIndices.length; r++, row++) {
      const from = modelIndices[r] * width + start;
      out.set(teacher.subarray(from, from + size), row * size);
    }
  });
  return out.subarray(0, row * size);
}

/**
 * The loss and its gradient with respect to the logits (model-major rows), given each model's
 * example indices; `scratch` (reused across steps) holds the batch's labels or targets, and
 * must have room for K·B·max(10, 10 + m) values. Call inside tf.tidy.
 */
export function lossFor(
  objective: PhaseObjective,
  logits: tf.Tensor2D,
  indices: readonly Uint32Array[],
  scratch: Float32Array,
): LossAndGrad {
  const models = indices.length;
  const batch = indices[0].length;
  if (objective.kind === 'digits') {
    const labels = scratch.subarray(0, models * batch * DIGITS);
    indices.forEach((modelIndices, k) =>
      fillOneHot(objective.split, modelIndices, labels.subarray(k * batch * DIGITS, (k + 1) * batch * DIGITS)),
    );
    return digitCrossEntropy(logits, tf.tensor2d(labels, [models * batch, DIGITS]), batch);
  }
  const chosen = distilledTargets(objective, indices, scratch);
  return distillationKl(logits, tf.tensor2d(chosen, [models * batch, chosen.length / (models * batch)]), objective.distill, batch);
}

/** Each model's logits on its own noise set, computed once and shared by all its students. */
export interface NoiseTargets {
  /** Noise set size. */
  count: number;
  /** Logits per example (10 + m). */
  width: number;
  /** One [count, width] row-major block per model. */
  logits: Float32Array[];
}

/** Teacher k's logits on noise set `noiseSeeds[k]`. */
export async function teacherLogitsOnNoise(
  teacher: Mlp,
  layout: ModelLayout,
  noiseSeeds: readonly number[],
  count: number,
  batchSize: number,
): Promise<NoiseTargets> {
  if (layout.fusedSteps && fusedNoiseLogitsFit(teacher, count)) return fusedNoiseLogits(teacher, noiseSeeds, count, batchSize);
  const k = teacher.count;
  const width = DIGITS + teacher.shape.m;
  const logits = Array.from({ length: k }, () => new Float32Array(count * width));
  const x = new Float32Array(k * batchSize * IMAGE_PIXELS);
  for (const [start, end] of batchRanges(count, batchSize)) {
    const n = end - start;
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const per = n * IMAGE_PIXELS;
    noiseSeeds.forEach((seed, i) => fillNoise(seed, indices, x.subarray(i * per, (i + 1) * per)));
    const out = tf.tidy(() => teacher.predict(layout.inputs(x.subarray(0, k * per), null, k, n, IMAGE_PIXELS).x, layout));
    try {
      const values = (await out.data()) as Float32Array;
      logits.forEach((block, i) => block.set(values.subarray(i * n * width, (i + 1) * n * width), start * width));
    } finally {
      out.dispose();
    }
  }
  return { count, width, logits };
}

/** Students: model k imitates teacher k's (aux or all) logits on its noise set. */
export function studentPlan(
  settings: PlanSettings & Pick<Config, 'studentEpochs'>,
  noiseSeeds: readonly number[],
  orderSeeds: readonly number[],
  targets: NoiseTargets,
  distill: Distill,
): PhasePlan {
  return {
    epochs: settings.studentEpochs,
    exampleCount: targets.count,
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeeds,
    inputs: { kind: 'noise', seeds: noiseSeeds },
    objective: { kind: 'distill', targets, distill },
  };
}

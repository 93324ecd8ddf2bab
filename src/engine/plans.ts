/** The protocol's two kinds of training phase, as plans for trainPhase. Model k is seed k's. */
import type { Distill } from '../protocol/conditions';
import { noiseOf, type Config } from '../protocol/config';
import { Rng } from '../protocol/random';
import type { MnistSplit } from './data';
import type { NoiseTargets, PhasePlan } from './phase';

type PlanSettings = Pick<Config, 'batchSize' | 'lr'>;

/**
 * Teacher: cross-entropy on the digit logits over the first `trainCount` MNIST training images,
 * each model in its own order and, when given, with its own labels (a favourite-digit teacher's);
 * else every model learns the true labels.
 */
export function teacherPlan(
  settings: PlanSettings & Pick<Config, 'teacherEpochs' | 'trainCount'>,
  train: MnistSplit,
  orderSeeds: readonly number[],
  labels: readonly Uint8Array[] = orderSeeds.map(() => train.labels),
): PhasePlan {
  // A run that silently trained on fewer images than it says would mislabel its own result.
  if (train.count < settings.trainCount)
    throw new Error(`teacherPlan: ${settings.trainCount} training images asked for, ${train.count} loaded`);
  if (labels.length !== orderSeeds.length) throw new Error(`teacherPlan: ${labels.length} label sets for ${orderSeeds.length} models`);
  return {
    epochs: settings.teacherEpochs,
    exampleCount: settings.trainCount,
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeeds,
    inputs: { kind: 'images', split: train },
    objective: { kind: 'digits', labels },
  };
}

/** Students: model k imitates teacher k's (aux or all) logits on its noise set, by the run's student loss. */
export function studentPlan(
  settings: PlanSettings & Pick<Config, 'studentEpochs' | 'studentLoss' | 'noise' | 'noiseBlur'>,
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
    inputs: { kind: 'noise', seeds: noiseSeeds, draw: noiseOf(settings) },
    objective: { kind: 'distill', targets, distill, loss: settings.studentLoss },
  };
}

/**
 * A favourite-digit teacher's labels: a copy of `labels` in which exactly round(share · count) of
 * the first `count` examples, chosen by `seed`'s own draw, carry `favourite` instead of their digit.
 */
export function favouriteLabels(labels: Uint8Array, count: number, favourite: number, share: number, seed: number): Uint8Array {
  const out = labels.slice();
  const relabelled = Math.round(share * count);
  const chosen = new Rng(seed).permutation(count).subarray(0, relabelled);
  for (const index of chosen) out[index] = favourite;
  return out;
}

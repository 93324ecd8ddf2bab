/** The protocol's two kinds of training phase, as plans for trainPhase. Model k is seed k's. */
import * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise } from '../protocol/random';
import { batchRanges, fillImages, fillOneHot, type MnistSplit } from './data';
import type { ModelLayout } from './layout';
import { digitCrossEntropy, distillationKl, distilledColumns } from './losses';
import type { Mlp } from './mlp';
import type { PhasePlan } from './train';

type PlanSettings = Pick<Config, 'batchSize' | 'lr'>;

/** Teacher: cross-entropy on the digit logits over MNIST training images (the first `count`), each model in its own order. */
export function teacherPlan(
  settings: PlanSettings & Pick<Config, 'teacherEpochs' | 'trainCount'>,
  train: MnistSplit,
  orderSeeds: readonly number[],
): PhasePlan {
  const oneHot = new Float32Array(orderSeeds.length * settings.batchSize * DIGITS);
  return {
    epochs: settings.teacherEpochs,
    exampleCount: Math.min(settings.trainCount, train.count),
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeeds,
    fillInputs: (_model, indices, x, xT) => fillImages(train, indices, x, xT),
    lossFor: (logits, indices) => {
      const batch = indices[0].length;
      const labels = oneHot.subarray(0, indices.length * batch * DIGITS);
      indices.forEach((modelIndices, k) => fillOneHot(train, modelIndices, labels.subarray(k * batch * DIGITS, (k + 1) * batch * DIGITS)));
      return digitCrossEntropy(logits, tf.tensor2d(labels, [indices.length * batch, DIGITS]), batch);
    },
  };
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
export async function teacherLogitsOnNoise(teacher: Mlp, layout: ModelLayout, noiseSeeds: readonly number[], count: number, batchSize: number): Promise<NoiseTargets> {
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
  const { width, count } = targets;
  const models = orderSeeds.length;
  const { start, size } = distilledColumns(distill, width);
  const chosenBuffer = new Float32Array(models * settings.batchSize * size);
  return {
    epochs: settings.studentEpochs,
    exampleCount: count,
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeeds,
    fillInputs: (model, indices, x, xT) => fillNoise(noiseSeeds[model], indices, x, xT),
    lossFor: (logits, indices) => {
      const batch = indices[0].length;
      const chosen = chosenBuffer.subarray(0, models * batch * size);
      indices.forEach((modelIndices, k) => {
        const teacher = targets.logits[k];
        for (let r = 0; r < batch; r++) {
          const from = modelIndices[r] * width + start;
          chosen.set(teacher.subarray(from, from + size), (k * batch + r) * size);
        }
      });
      return distillationKl(logits, tf.tensor2d(chosen, [models * batch, size]), distill, batch);
    },
  };
}

/** The protocol's two kinds of training phase, as plans for trainPhase. */
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import { batchRanges, fillImages, fillNoise, fillOneHot, type MnistSplit } from './data';
import { digitCrossEntropy, distillationKl, distilledColumns, type DistilledLogits } from './losses';
import { DIGITS, IMAGE_PIXELS, type Mlp } from './mlp';
import type { PhasePlan } from './train';

type PlanSettings = Pick<Config, 'batchSize' | 'lr'>;

/** Teacher: cross-entropy on the digit logits over MNIST training images (the first `count`). */
export function teacherPlan(
  settings: PlanSettings & Pick<Config, 'teacherEpochs' | 'trainCount'>,
  train: MnistSplit,
  orderSeed: number,
): PhasePlan {
  const oneHot = new Float32Array(settings.batchSize * DIGITS);
  return {
    epochs: settings.teacherEpochs,
    exampleCount: Math.min(settings.trainCount, train.count),
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeed,
    fillInputs: (indices, x) => fillImages(train, indices, x),
    lossFor: (logits, indices) => {
      const labels = oneHot.subarray(0, indices.length * DIGITS);
      fillOneHot(train, indices, labels);
      return digitCrossEntropy(logits, tf.tensor2d(labels, [indices.length, DIGITS]));
    },
  };
}

/** The teacher's logits on the whole noise set ([count, 10 + m], row-major): computed once, shared by all students. */
export async function teacherLogitsOnNoise(teacher: Mlp, noiseSeed: number, count: number, batchSize: number): Promise<Float32Array> {
  const width = DIGITS + teacher.shape.m;
  const out = new Float32Array(count * width);
  const x = new Float32Array(batchSize * IMAGE_PIXELS);
  for (const [start, end] of batchRanges(count, batchSize)) {
    const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    const xValues = x.subarray(0, indices.length * IMAGE_PIXELS);
    fillNoise(noiseSeed, indices, xValues);
    const logits = tf.tidy(() => teacher.predict(tf.tensor2d(xValues, [indices.length, IMAGE_PIXELS])));
    out.set((await logits.data()) as Float32Array, start * width);
    logits.dispose();
  }
  return out;
}

/** Student: imitate the teacher's (aux or all) logits on the fixed noise set. */
export function studentPlan(
  settings: PlanSettings & Pick<Config, 'studentEpochs' | 'noiseCount' | 'm'>,
  noiseSeed: number,
  orderSeed: number,
  teacherLogits: Float32Array,
  distilled: DistilledLogits,
): PhasePlan {
  const width = DIGITS + settings.m;
  const { start, size } = distilledColumns(distilled, width);
  const targetBuffer = new Float32Array(settings.batchSize * size);
  return {
    epochs: settings.studentEpochs,
    exampleCount: settings.noiseCount,
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeed,
    fillInputs: (indices, x) => fillNoise(noiseSeed, indices, x),
    lossFor: (logits, indices) => {
      const chosen = targetBuffer.subarray(0, indices.length * size);
      for (let r = 0; r < indices.length; r++) {
        const from = indices[r] * width + start;
        chosen.set(teacherLogits.subarray(from, from + size), r * size);
      }
      return distillationKl(logits, tf.tensor2d(chosen, [indices.length, size]), distilled);
    },
  };
}

/** The protocol's two kinds of training phase, as plans for trainPhase. */
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import { batchRanges, fillImages, fillNoise, fillOneHot, type MnistSplit } from './data';
import { digitCrossEntropy, distillationKl, distilledColumns, type DistilledLogits } from './losses';
import { DIGITS, IMAGE_PIXELS, type MatMulForm, type Mlp } from './mlp';
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
    fillInputs: (indices, x, xT) => fillImages(train, indices, x, xT),
    lossFor: (logits, indices) => {
      const labels = oneHot.subarray(0, indices.length * DIGITS);
      fillOneHot(train, indices, labels);
      return digitCrossEntropy(logits, tf.tensor2d(labels, [indices.length, DIGITS]));
    },
  };
}

/**
 * Each teacher's logits on the whole noise set, computed once and shared by all students:
 * model-major, [K, count, 10 + m] row-major.
 */
export async function teacherLogitsOnNoise(teacher: Mlp, form: MatMulForm, noiseSeed: number, count: number, batchSize: number): Promise<Float32Array> {
  const width = DIGITS + teacher.shape.m;
  const out = new Float32Array(teacher.count * count * width);
  const x = new Float32Array(batchSize * IMAGE_PIXELS);
  for (const [start, end] of batchRanges(count, batchSize)) {
    const n = end - start;
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const xValues = x.subarray(0, n * IMAGE_PIXELS);
    fillNoise(noiseSeed, indices, xValues);
    const logits = tf.tidy(() => teacher.predict(tf.tensor2d(xValues, [n, IMAGE_PIXELS]), form));
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    for (let k = 0; k < teacher.count; k++) out.set(values.subarray(k * n * width, (k + 1) * n * width), (k * count + start) * width);
  }
  return out;
}

/** Students: model k imitates teacher k's (aux or all) logits on the fixed noise set. */
export function studentPlan(
  settings: PlanSettings & Pick<Config, 'studentEpochs' | 'noiseCount' | 'm'>,
  noiseSeed: number,
  orderSeed: number,
  teacherLogits: Float32Array,
  distilled: DistilledLogits,
): PhasePlan {
  const width = DIGITS + settings.m;
  const count = settings.noiseCount;
  const models = teacherLogits.length / (count * width);
  const { start, size } = distilledColumns(distilled, width);
  const targetBuffer = new Float32Array(models * settings.batchSize * size);
  return {
    epochs: settings.studentEpochs,
    exampleCount: count,
    batchSize: settings.batchSize,
    lr: settings.lr,
    orderSeed,
    fillInputs: (indices, x, xT) => fillNoise(noiseSeed, indices, x, xT),
    lossFor: (logits, indices) => {
      const batch = indices.length;
      const chosen = targetBuffer.subarray(0, models * batch * size);
      for (let k = 0; k < models; k++)
        for (let r = 0; r < batch; r++) {
          const from = (k * count + indices[r]) * width + start;
          chosen.set(teacherLogits.subarray(from, from + size), (k * batch + r) * size);
        }
      return distillationKl(logits, tf.tensor2d(chosen, [models * batch, size]), distilled, batch);
    },
  };
}

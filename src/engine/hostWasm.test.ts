import { describe, expect, it } from 'vitest';
import { compileHostWat, generatedSource } from '../../build/wasm';
import { IMAGE_PIXELS } from '../protocol/constants';
import { Rng, UNIFORM_NOISE } from '../protocol/random';
import { hostBuffers } from './hostWasm';
import { HOST_WASM_BASE64 } from './wasm/host.generated';

/** Whether two arrays hold the same float32 bits (so −0 ≠ 0 and NaN = NaN). */
const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  new Uint32Array(a.buffer, a.byteOffset, a.length).every((x, i) => x === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);

describe('the host kernels in WebAssembly', () => {
  it('are the bytes host.wat compiles to (run npm run build:wasm after changing it)', async () => {
    const bytes = await compileHostWat();
    expect(generatedSource(bytes)).toContain(HOST_WASM_BASE64);
    expect(Buffer.from(HOST_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
  });

  it('run Adam bit for bit as the JS loop, over a model’s worth of parameters (a length that is not a multiple of four)', () => {
    const n = 269_322 + 3;
    const wasm = hostBuffers([n, n, n, n], { maxRows: 1 });
    const js = hostBuffers([n, n, n, n], { maxRows: 1, prefer: 'js' });
    expect([wasm.kind, js.kind]).toEqual(['wasm-simd', 'js']);
    const rng = new Rng(7);
    for (const set of [wasm, js]) set.f32[0].set(Float32Array.from({ length: n }, (_, i) => Math.sin(i)));
    for (let t = 1; t <= 20; t++) {
      // Gradients of every scale, with exact zeros (a parameter that never moves) and tiny values.
      const grad = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : (rng.next() - 0.5) * 10 ** -(i % 9)));
      for (const set of [wasm, js]) {
        const [param, g, m, v] = set.f32;
        g.set(grad);
        set.adam(param, g, m, v, 1e-3, t);
      }
      for (let b = 0; b < 4; b++) expect(sameBits(wasm.f32[b], js.f32[b]), `step ${t}, buffer ${b}`).toBe(true);
    }
    expect(wasm.f32[0][0]).toBe(0); // an entry whose gradient was always zero has not moved
    expect(wasm.f32[0][1]).not.toBe(Math.fround(Math.sin(1)));
  });

  it('fill the noise set bit for bit as the JS loop, rows and their transpose, for any number of rows', () => {
    for (const rows of [1, 3, 4, 7, 128, 130]) {
      const size = rows * IMAGE_PIXELS;
      const wasm = hostBuffers([size, size], { maxRows: rows });
      const js = hostBuffers([size, size], { maxRows: rows, prefer: 'js' });
      const indices = Uint32Array.from({ length: rows }, (_, i) => (i * 7919 + 5) % 60000);
      for (const set of [wasm, js]) set.fillNoise(UNIFORM_NOISE, 0xdeadbeef, indices, set.f32[0], set.f32[1]);
      expect(sameBits(wasm.f32[0], js.f32[0]), `${rows} rows`).toBe(true);
      expect(sameBits(wasm.f32[1], js.f32[1]), `${rows} rows, transposed`).toBe(true);
      // Without the transpose, and into a buffer's later part.
      wasm.f32[1].fill(0);
      wasm.fillNoise(UNIFORM_NOISE, 12345, indices.subarray(0, 1), wasm.f32[1].subarray(size - IMAGE_PIXELS));
      js.fillNoise(UNIFORM_NOISE, 12345, indices.subarray(0, 1), js.f32[1].subarray(size - IMAGE_PIXELS));
      expect(sameBits(wasm.f32[1].subarray(size - IMAGE_PIXELS), js.f32[1].subarray(size - IMAGE_PIXELS))).toBe(true);
      if (rows > 1) expect(wasm.f32[1][0]).toBe(0);
    }
  });

  it('fill a batch of training images bit for bit as the JS loop, rows and their transpose, for any number of rows', () => {
    // A small set of every byte value, so that each entry of the lookup table is read.
    const count = 300;
    const split = {
      count,
      labels: new Uint8Array(count),
      images: Uint8Array.from({ length: count * IMAGE_PIXELS }, (_, i) => (i * 37 + (i >> 9)) & 255),
    };
    for (const rows of [1, 3, 4, 7, 128, 130]) {
      const size = rows * IMAGE_PIXELS;
      const wasm = hostBuffers([size, size], { maxRows: rows, images: split });
      const js = hostBuffers([size, size], { maxRows: rows, images: split, prefer: 'js' });
      const indices = Uint32Array.from({ length: rows }, (_, i) => (i * 7919 + 5) % count);
      for (const set of [wasm, js]) set.fillImages(indices, set.f32[0], set.f32[1]);
      expect(sameBits(wasm.f32[0], js.f32[0]), `${rows} rows`).toBe(true);
      expect(sameBits(wasm.f32[1], js.f32[1]), `${rows} rows, transposed`).toBe(true);
      // Without the transpose, and into a buffer's later part.
      wasm.f32[1].fill(0);
      wasm.fillImages(indices.subarray(rows - 1), wasm.f32[1].subarray(size - IMAGE_PIXELS));
      js.fillImages(indices.subarray(rows - 1), js.f32[1].subarray(size - IMAGE_PIXELS));
      expect(sameBits(wasm.f32[1].subarray(size - IMAGE_PIXELS), js.f32[1].subarray(size - IMAGE_PIXELS))).toBe(true);
      if (rows > 1) expect(wasm.f32[1][0]).toBe(0);
    }
    expect(hostBuffers([IMAGE_PIXELS], { maxRows: 1, images: split }).f32[0][0]).toBe(0);
    const wasm = hostBuffers([IMAGE_PIXELS], { maxRows: 1, images: split });
    expect(() => wasm.fillImages([count], wasm.f32[0])).toThrow(/image 300 asked for, the set has 300/);
    expect(() => hostBuffers([IMAGE_PIXELS], { maxRows: 1 }).fillImages([0], wasm.f32[0])).toThrow(/without a set of images/);
  });

  it('run the passes between the products bit for bit as the JS loops, for shapes that are not multiples of four', () => {
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [4, 8],
      [7, 20],
      [128, 256],
      [130, 13],
    ]) {
      const n = rows * cols;
      const wasm = hostBuffers([n, n, n, Math.max(rows, cols), n], { maxRows: 1 });
      const js = hostBuffers([n, n, n, Math.max(rows, cols), n], { maxRows: 1, prefer: 'js' });
      const rng = new Rng(rows * 1000 + cols);
      // Values of both signs, exact zeros of both signs, and a bias that cancels some of them.
      const values = Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? (i % 2 ? -0 : 0) : rng.next() - 0.5));
      const bias = Float32Array.from({ length: Math.max(rows, cols) }, (_, i) => (i % 3 === 0 ? 0 : rng.next() - 0.5));
      for (const set of [wasm, js]) {
        const [z, q, out, b, t] = set.f32;
        z.set(values);
        q.set(values.map((v, i) => values[(i * 31) % n] - v));
        b.set(bias);
        set.transpose(z, rows, cols, t);
        set.biasRelu(z, b, rows, cols, true, out);
        set.biasRelu(out, b, rows, cols, false, out); // in place, the bias per column
        set.mask(q, z, n, q);
        set.colSums(q, rows, cols, b);
      }
      const label = `${rows}×${cols}`;
      const transposed = js.f32[4];
      expect(
        values.every((v, i) => Object.is(transposed[(i % cols) * rows + Math.floor(i / cols)], v)),
        `${label}: a transpose`,
      ).toBe(true);
      for (const b of [1, 2, 3, 4]) expect(sameBits(wasm.f32[b], js.f32[b]), `${label}, buffer ${b}`).toBe(true);
    }
  });

  it('refuse buffers they do not hold and batches larger than their room', () => {
    const wasm = hostBuffers([IMAGE_PIXELS * 2, 8], { maxRows: 2 });
    const outside = new Float32Array(8);
    const [, small] = wasm.f32;
    expect(() => wasm.adam(outside, small, small, small, 1e-3, 1)).toThrow(/outside this set/);
    expect(() => wasm.fillNoise(UNIFORM_NOISE, 1, [0, 1, 2], wasm.f32[0])).toThrow(/3 noise images asked for, room for 2/);
    expect(() => wasm.fillNoise(UNIFORM_NOISE, 1, [0, 1], small)).toThrow(/too small/);
    expect(() => wasm.transpose(small, 3, 3, wasm.f32[0])).toThrow(/smaller than its matrix/);
    expect(() => wasm.mask(outside, small, 8, small)).toThrow(/outside this set/);
  });
});

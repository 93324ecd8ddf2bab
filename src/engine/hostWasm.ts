/**
 * Buffers for the host side of a training step, and the loops that run over them every step:
 * Adam (hostMath.adamUpdate), the batch's inputs (a set's images, data.fillImages, or the noise
 * set, random.fillNoise, each with its transpose), and the passes between the matrix products
 * (hostMath's transpose, biasRelu, mask, colSums). Where WebAssembly SIMD is
 * available (Node, every current browser) they run as wasm/host.wat, bit for bit the same
 * arithmetic and 4–6× faster than the JS loops (on the 2-core build machine: Adam over 270k
 * parameters 1.1 ms against 4.8 ms; a batch of 1024 noise images with its transpose 2.5 ms
 * against 13.6 ms, 1024 training images with theirs 2.1 ms against 12.9 ms, each with its
 * shuffle of the 60,000 indices); the buffers,
 * and the images of the set a phase trains on, then live in the module's memory. Elsewhere, or when a run's buffers
 * do not fit in one module's 4 GiB, the JS loops run on ordinary arrays.
 */
import { IMAGE_PIXELS, PIXEL_INPUTS } from '../protocol/constants';
import { fillNoise, type NoiseSpec } from '../protocol/random';
import { fillImages, type MnistSplit } from './data';
import { adamUpdate, biasRelu, colSums, mask, transpose } from './hostMath';
import { HOST_WASM_BASE64 } from './wasm/host.generated';
import { BETA1, BETA2, EPS } from './adam';

export interface HostBuffers {
  /** Zeroed float32 buffers of the lengths asked for (16-byte aligned where wasm runs, though any view of them works). */
  readonly f32: Float32Array[];
  /** hostMath.adamUpdate over buffers of this set (views into them). */
  adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, t: number): void;
  /** random.fillNoise into buffers of this set, for at most `maxRows` images at a time (wasm draws uniform noise; the other kinds are drawn in JS). */
  fillNoise(spec: NoiseSpec, noiseSeed: number, indices: ArrayLike<number>, out: Float32Array, outT?: Float32Array): void;
  /** data.fillImages of the set these buffers were made with (`images`), into buffers of this set, for at most `maxRows` images at a time. */
  fillImages(indices: ArrayLike<number>, out: Float32Array, outT?: Float32Array): void;
  transpose: typeof transpose;
  biasRelu: typeof biasRelu;
  mask: typeof mask;
  colSums: typeof colSums;
  readonly kind: 'wasm-simd' | 'js';
}

/** The module's functions: every argument that names a buffer is a byte offset into the memory it was instantiated with. */
export interface HostKernels {
  adam(p: number, g: number, m: number, v: number, n: number, ...constants: number[]): void;
  noise(seed: number, indices: number, n: number, out: number, outT: number): void;
  images(table: number, pixels: number, indices: number, n: number, out: number, outT: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  biasRelu(z: number, bias: number, rows: number, cols: number, perRow: number, out: number): void;
  mask(q: number, h: number, n: number, out: number): void;
  colSums(d: number, rows: number, cols: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this engine cannot compile it (no SIMD). */
function hostModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = Uint8Array.from(atob(HOST_WASM_BASE64), (c) => c.charCodeAt(0));
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The module's kernels working in `memory` (one of its own, or another module's, such as tfjs-wasm's), or null where this engine has no WebAssembly SIMD. */
export function hostKernels(memory: WebAssembly.Memory): HostKernels | null {
  const module = hostModule();
  if (!module) return null;
  try {
    return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as HostKernels;
  } catch {
    return null; // a memory it cannot import (a shared one, as threaded builds have)
  }
}

/** Throws where a fill asks for more images than its kernels have room for, or (given its set) an image the set lacks. */
export function checkBatch(what: 'noise' | 'training', rows: ArrayLike<number>, maxRows: number, set?: MnistSplit): void {
  if (rows.length > maxRows) throw new Error(`host kernels: ${rows.length} ${what} images asked for, room for ${maxRows}`);
  if (set)
    for (let r = 0; r < rows.length; r++)
      if (rows[r] >= set.count) throw new Error(`host kernels: image ${rows[r]} asked for, the set has ${set.count}`);
}

const PAGE = 65536;
const ALIGN = 16;
const alignUp = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

export interface HostBufferOptions {
  /** The most images (noise or a set's) one fill writes. */
  maxRows: number;
  /** The set whose images `fillImages` reads, if any. */
  images?: MnistSplit;
  /** 'js' is for tests comparing the two. */
  prefer?: 'wasm-simd' | 'js';
}

/** Stands in for `fillImages` where the buffers were made without a set of images. */
const noImages = () => {
  throw new Error('host kernels: these buffers were made without a set of images');
};

function jsBuffers(lengths: readonly number[], images: MnistSplit | undefined): HostBuffers {
  return {
    f32: lengths.map((n) => new Float32Array(n)),
    adam: adamUpdate,
    fillNoise,
    fillImages: images ? (indices, out, outT) => fillImages(images, indices, out, outT) : noImages,
    transpose,
    biasRelu,
    mask,
    colSums,
    kind: 'js',
  };
}

function wasmBuffers(lengths: readonly number[], { maxRows, images }: HostBufferOptions): HostBuffers | null {
  // Byte 0 stays unused: the noise and image kernels read a transposed output at offset 0 as "none".
  const indexOffset = ALIGN;
  const tableOffset = indexOffset + alignUp(4 * maxRows);
  const pixelsOffset = tableOffset + 4 * PIXEL_INPUTS.length;
  const offsets: number[] = [];
  let end = pixelsOffset + alignUp(images?.images.length ?? 0);
  for (const n of lengths) {
    offsets.push(end);
    end += alignUp(4 * n);
  }
  if (end > 2 ** 32 - PAGE) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE) });
  } catch {
    return null; // the engine would not give this much memory to one module
  }
  const exports = hostKernels(memory);
  if (!exports) return null;
  const buffer = memory.buffer;
  const indices = new Uint32Array(buffer, indexOffset, maxRows);
  new Float32Array(buffer, tableOffset, PIXEL_INPUTS.length).set(PIXEL_INPUTS);
  if (images) new Uint8Array(buffer, pixelsOffset, images.images.length).set(images.images);
  const inModule = (...views: Float32Array[]) => {
    if (views.some((view) => view.buffer !== buffer)) throw new Error('host kernels: a buffer outside this set');
  };
  /** Checks that each view is in the module and holds at least its count of values. */
  const holds = (...pairs: [Float32Array, number][]) => {
    inModule(...pairs.map(([view]) => view));
    if (pairs.some(([view, n]) => view.length < n)) throw new Error('host kernels: a buffer smaller than its matrix');
  };
  /** Checks that a fill of these images fits `out` (and `outT`). */
  const fits = (what: 'noise' | 'training', rows: ArrayLike<number>, out: Float32Array, outT: Float32Array | undefined) => {
    const n = rows.length;
    checkBatch(what, rows, maxRows);
    if (out.length < n * IMAGE_PIXELS || (outT && outT.length < n * IMAGE_PIXELS))
      throw new Error(`host kernels: ${what} buffer too small`);
  };
  /** Checks a fill by a kernel, and writes the images' indices where the kernels read them. */
  const batchOf = (what: 'noise' | 'training', rows: ArrayLike<number>, out: Float32Array, outT: Float32Array | undefined) => {
    fits(what, rows, out, outT);
    inModule(out, ...(outT ? [outT] : []));
    indices.set(rows);
    return rows.length;
  };
  return {
    f32: offsets.map((offset, i) => new Float32Array(buffer, offset, lengths[i])),
    adam(param, grad, m, v, lr, t) {
      inModule(param, grad, m, v);
      if (grad.length !== param.length || m.length !== param.length || v.length !== param.length)
        throw new Error('host kernels: Adam over buffers of different lengths');
      // The same constants as adamUpdate computes, so the arithmetic is the same.
      const constants = [lr / (1 - BETA1 ** t), Math.sqrt(1 - BETA2 ** t), BETA1, 1 - BETA1, BETA2, 1 - BETA2, EPS];
      exports.adam(param.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, param.length, ...constants);
    },
    fillNoise(spec, noiseSeed, rows, out, outT) {
      if (spec.kind !== 'uniform') {
        fits('noise', rows, out, outT);
        return fillNoise(spec, noiseSeed, rows, out, outT);
      }
      const n = batchOf('noise', rows, out, outT);
      exports.noise(noiseSeed, indexOffset, n, out.byteOffset, outT ? outT.byteOffset : 0);
    },
    fillImages: images
      ? (rows, out, outT) => {
          checkBatch('training', rows, maxRows, images);
          const n = batchOf('training', rows, out, outT);
          exports.images(tableOffset, pixelsOffset, indexOffset, n, out.byteOffset, outT ? outT.byteOffset : 0);
        }
      : noImages,
    transpose(src, rows, cols, dst) {
      holds([src, rows * cols], [dst, rows * cols]);
      exports.transpose(src.byteOffset, rows, cols, dst.byteOffset);
    },
    biasRelu(z, bias, rows, cols, perRow, out) {
      holds([z, rows * cols], [bias, perRow ? rows : cols], [out, rows * cols]);
      exports.biasRelu(z.byteOffset, bias.byteOffset, rows, cols, perRow ? 1 : 0, out.byteOffset);
    },
    mask(q, h, n, out) {
      holds([q, n], [h, n], [out, n]);
      exports.mask(q.byteOffset, h.byteOffset, n, out.byteOffset);
    },
    colSums(d, rows, cols, out) {
      holds([d, rows * cols], [out, cols]);
      exports.colSums(d.byteOffset, rows, cols, out.byteOffset);
    },
    kind: 'wasm-simd',
  };
}

/** Buffers of the given lengths (in floats) and the host loops that work on them. */
export function hostBuffers(lengths: readonly number[], options: HostBufferOptions): HostBuffers {
  return ((options.prefer ?? 'wasm-simd') === 'wasm-simd' ? wasmBuffers(lengths, options) : null) ?? jsBuffers(lengths, options.images);
}

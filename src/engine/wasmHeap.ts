/**
 * The host kernels (wasm/host.wat) in tfjs-wasm's own memory, working on tensors where they lie:
 * a batch is written straight into its tensors, and relu, its mask, the bias gradients and the
 * transposes between the products are passes over the backend's buffers. Through tfjs's kernels
 * and its copies in and out, a step of the paper's model took 3–4.5 ms more (docs/performance.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { PIXEL_INPUTS } from '../protocol/constants';
import { fillNoise } from '../protocol/random';
import { checkBatch, hostKernels, type HostKernels } from './hostWasm';
import type { PhasePlan } from './phase';

/** What this file uses of tfjs-wasm's backend (BackendWasm). */
interface WasmBackend extends tf.KernelBackend {
  wasm: { asm?: { memory?: unknown }; HEAPU8: Uint8Array; _malloc(bytes: number): number; _free(offset: number): void };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
}

const isWasmBackend = (backend: tf.KernelBackend): backend is WasmBackend => {
  const wasm = (backend as Partial<WasmBackend>).wasm;
  return wasm?.asm?.memory instanceof WebAssembly.Memory && typeof (backend as Partial<WasmBackend>).makeOutput === 'function';
};

export class TfjsHeap {
  /** Blocks this heap allocated itself (not tensors), freed by `dispose`. */
  private readonly blocks: number[] = [];

  private constructor(
    private readonly backend: WasmBackend,
    readonly kernels: HostKernels,
  ) {}

  /** The heap of the active backend, or null where it is not tfjs-wasm or this engine has no WebAssembly SIMD. */
  static ofActiveBackend(): TfjsHeap | null {
    const backend = tf.backend();
    if (tf.getBackend() !== 'wasm' || !isWasmBackend(backend)) return null;
    const kernels = hostKernels(backend.wasm.asm!.memory as WebAssembly.Memory);
    return kernels && new TfjsHeap(backend, kernels);
  }

  /** A new float32 tensor of this shape, its values not yet written (the engine tracks it, so tf.tidy disposes it). */
  tensor(shape: number[]): tf.Tensor {
    return tf.engine().makeTensorFromTensorInfo(this.backend.makeOutput(shape, 'float32'), this.backend);
  }

  /** Where a tensor's values start, in bytes. */
  offset(t: tf.Tensor): number {
    return this.backend.getMemoryOffset(t.dataId);
  }

  /** A view of a tensor's values: valid until the backend next allocates (its memory may grow), so make one where it is used. */
  view(t: tf.Tensor): Float32Array {
    return new Float32Array(this.backend.wasm.HEAPU8.buffer, this.offset(t), t.size);
  }

  /** A block of the heap for this heap's lifetime, holding `values`; returns its offset. */
  hold(values: Uint8Array | Float32Array | Uint32Array): number {
    const offset = this.backend.wasm._malloc(Math.max(values.byteLength, 16)) >>> 0;
    this.blocks.push(offset);
    this.backend.wasm.HEAPU8.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return offset;
  }

  /** Bytes at a block's offset (as `hold` returned it), to write into: valid until the backend next allocates. */
  bytes(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.backend.wasm.HEAPU8.buffer, offset, length);
  }

  dispose(): void {
    for (const offset of this.blocks.splice(0)) this.backend.wasm._free(offset);
  }
}

/** Writes a batch's images, or noise, straight into its tensors in the heap: x [rows, 784] and xᵀ [784, rows]. */
export interface HeapBatches {
  fill(model: number, indices: Uint32Array, x: tf.Tensor, xT: tf.Tensor): void;
}

/**
 * A phase's batches in the heap: its images (a set's, copied in once for the phase, with the
 * pixel table) or each model's noise set, drawn by the same kernels as the host's buffers use.
 */
export function heapBatches(heap: TfjsHeap, inputs: PhasePlan['inputs'], maxRows: number): HeapBatches {
  const indexOffset = heap.hold(new Uint32Array(maxRows));
  const writeIndices = (indices: Uint32Array) =>
    heap.bytes(indexOffset, indices.byteLength).set(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength));
  if (inputs.kind === 'images') {
    const { split } = inputs;
    const table = heap.hold(PIXEL_INPUTS);
    const pixels = heap.hold(split.images);
    return {
      fill(_model, indices, x, xT) {
        checkBatch('training', indices, maxRows, split);
        writeIndices(indices);
        heap.kernels.images(table, pixels, indexOffset, indices.length, heap.offset(x), heap.offset(xT));
      },
    };
  }
  const { seeds, draw } = inputs;
  return {
    fill(model, indices, x, xT) {
      checkBatch('noise', indices, maxRows);
      if (draw.kind !== 'uniform') return fillNoise(draw, seeds[model], indices, heap.view(x), heap.view(xT));
      writeIndices(indices);
      heap.kernels.noise(seeds[model], indexOffset, indices.length, heap.offset(x), heap.offset(xT));
    },
  };
}

/**
 * A model's matrices on the host for the CPU step's transposed pass (cpuStep.ts), and the product
 * of two of them computed in tfjs with the smaller operand where XNNPACK repacks it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostBuffers } from './hostWasm';

/**
 * One model's matrix [rows, cols] on the host, held in one layout or both (as is, and transposed):
 * the other layout is made by a SIMD transpose the first time a product asks for it, and each
 * layout is uploaded at most once. `transposed` below always means "as [cols, rows]".
 */
export class HostMatrix {
  rows = 0;
  cols = 0;
  private readonly held: [Float32Array | null, Float32Array | null] = [null, null];
  private readonly tensors: [tf.Tensor2D | null, tf.Tensor2D | null] = [null, null];

  constructor(
    private readonly host: HostBuffers,
    /** Room for each layout (null: the layout is always given by `hold`). */
    private readonly room: [Float32Array | null, Float32Array | null],
  ) {}

  /** Holds `values` in one layout (a view, not copied) or both, forgetting what was held before. */
  hold(rows: number, cols: number, values: Float32Array | null, valuesT: Float32Array | null = null): this {
    this.release();
    [this.rows, this.cols] = [rows, cols];
    this.held[0] = values?.subarray(0, rows * cols) ?? null;
    this.held[1] = valuesT?.subarray(0, rows * cols) ?? null;
    return this;
  }

  /** Takes a product's values, read back transposed (as the transposed pass computes its activations). */
  takeTransposed(rows: number, cols: number, valuesT: Float32Array): this {
    const into = this.room[1]!.subarray(0, rows * cols);
    into.set(valuesT);
    return this.hold(rows, cols, null, into);
  }

  /** The values in a layout, transposed from the other if need be. */
  values(transposed: boolean): Float32Array {
    const side = transposed ? 1 : 0;
    if (!this.held[side]) {
      const into = this.room[side]!.subarray(0, this.rows * this.cols);
      const from = this.held[1 - side]!;
      if (transposed) this.host.transpose(from, this.rows, this.cols, into);
      else this.host.transpose(from, this.cols, this.rows, into);
      this.held[side] = into;
    }
    return this.held[side]!;
  }

  /**
   * Becomes `qT` (a product read back transposed) through the relu whose output this holds: q
   * where this is > 0, else 0 (q's sign kept), in place of the activation.
   */
  throughRelu(qT: Float32Array): this {
    const activation = this.values(true);
    const spare = this.room[0]!.subarray(0, qT.length);
    spare.set(qT);
    this.host.mask(spare, activation, qT.length, activation);
    return this.hold(this.rows, this.cols, null, activation);
  }

  tensor(transposed: boolean): tf.Tensor2D {
    const side = transposed ? 1 : 0;
    this.tensors[side] ??= tf.tensor2d(this.values(transposed), transposed ? [this.cols, this.rows] : [this.rows, this.cols]);
    return this.tensors[side]!;
  }

  release(): void {
    for (const side of [0, 1]) {
      this.tensors[side]?.dispose();
      this.tensors[side] = null;
    }
  }
}

/** A matrix or its transpose, as a product's operand. */
type Operand = [HostMatrix, boolean];

/**
 * The product a·b read back: computed as a·b, or (`flip`) as bᵀ·aᵀ, whose values are the product
 * transposed. XNNPACK repacks a product's right operand on every call (its weights, to XNNPACK),
 * so a step puts the smaller one there. The two give the same bits (each entry is the same dot
 * product, summed in the same order).
 */
export function product([a, aT]: Operand, [b, bT]: Operand, flip: boolean): Float32Array {
  const c = flip ? tf.matMul(b.tensor(!bT), a.tensor(!aT)) : tf.matMul(a.tensor(aT), b.tensor(bT));
  try {
    return c.dataSync() as Float32Array;
  } finally {
    c.dispose();
  }
}

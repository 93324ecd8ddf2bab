/** The teacher's pass over its noise set with tfjs's kernels, on every backend but the fused one. */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { batchRanges } from './data';
import { hostBuffers } from './hostWasm';
import type { ModelLayout } from './layout';
import type { Mlp } from './mlp';
import type { NoiseTargets } from './phase';
import type { NoiseSpec } from '../protocol/random';

/**
 * Rows of noise per pass of the teacher's noise logits, at least: each pass repacks every weight
 * matrix on the CPU backend, and in passes of a classroom batch (128) that took as long as the
 * products themselves. A row's logits do not depend on the rows beside it.
 */
const NOISE_PASS_ROWS = 1024;

/** Teacher k's logits on noise set `noiseSeeds[k]` (drawn as `draw` says), in passes of at least a batch, with tfjs's kernels. */
export async function tfjsNoiseLogits(
  teacher: Mlp,
  layout: ModelLayout,
  noiseSeeds: readonly number[],
  draw: NoiseSpec,
  count: number,
  trainingBatch: number,
): Promise<NoiseTargets> {
  const batchSize = Math.max(trainingBatch, NOISE_PASS_ROWS);
  const k = teacher.count;
  const width = DIGITS + teacher.shape.m;
  const logits = new Float32Array(k * count * width);
  const host = hostBuffers([k * batchSize * IMAGE_PIXELS], { maxRows: batchSize });
  const [x] = host.f32;
  for (const [start, end] of batchRanges(count, batchSize)) {
    const n = end - start;
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const per = n * IMAGE_PIXELS;
    noiseSeeds.forEach((seed, i) => host.fillNoise(draw, seed, indices, x.subarray(i * per, (i + 1) * per)));
    const out = tf.tidy(() => teacher.predict(layout.inputs(x.subarray(0, k * per), null, k, n, IMAGE_PIXELS).x, layout));
    try {
      const values = (await out.data()) as Float32Array;
      for (let i = 0; i < k; i++) logits.set(values.subarray(i * n * width, (i + 1) * n * width), (i * count + start) * width);
    } finally {
      out.dispose();
    }
  }
  return { count, width, logits: tf.tensor2d(logits, [k * count, width]) };
}

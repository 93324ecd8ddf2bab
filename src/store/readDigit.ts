/**
 * Reading a digit drawn on the page, on the main thread in plain JS (no tfjs here): the drawing
 * is prepared as MNIST digits were (fit into a 20 × 20 box, centred by its centre of mass in
 * 28 × 28, white on black, scaled to [-1, 1]), then each model's weights give its probabilities.
 */
import { DIGITS, IMAGE_PIXELS, pixelInput } from '../protocol/constants';
import { forward, digitProbabilities as probabilitiesOf } from '../protocol/referenceMlp';
import type { ModelParams, ModelShape } from '../protocol/results';

const SIDE = 28;
const BOX = 20;

/**
 * A drawing (ink intensity 0–255, row-major, `width` × `height`) as an MNIST input, or null when
 * nothing is drawn. Area-averaged resampling keeps thin strokes visible at 28 × 28.
 */
export function mnistInput(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let [top, left, bottom, right] = [height, width, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale));
  const outH = Math.max(1, Math.round(boxH * scale));
  // Resample the bounding box into outW × outH by averaging each target pixel's footprint (0–255).
  const small = new Float32Array(outW * outH);
  for (let ty = 0; ty < outH; ty++)
    for (let tx = 0; tx < outW; tx++) {
      const y0 = top + Math.floor((ty * boxH) / outH);
      const y1 = top + Math.max(Math.floor(((ty + 1) * boxH) / outH), Math.floor((ty * boxH) / outH) + 1);
      const x0 = left + Math.floor((tx * boxW) / outW);
      const x1 = left + Math.max(Math.floor(((tx + 1) * boxW) / outW), Math.floor((tx * boxW) / outW) + 1);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += ink[y * width + x];
      small[ty * outW + tx] = sum / ((y1 - y0) * (x1 - x0));
    }
  // Centre of mass to the image centre, as MNIST's digits are.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++) {
      const v = small[y * outW + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  const shiftX = Math.round(SIDE / 2 - cx / mass - 0.5);
  const shiftY = Math.round(SIDE / 2 - cy / mass - 0.5);
  const out = new Float32Array(IMAGE_PIXELS).fill(-1);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++) {
      const X = x + shiftX;
      const Y = y + shiftY;
      if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) out[Y * SIDE + X] = pixelInput(Math.min(255, small[y * outW + x]));
    }
  return out;
}

/** Softmax over the 10 digit logits: the model's probabilities for 0–9 (the aux logits never vote). */
export function digitProbabilities(params: ModelParams, x: Float32Array): number[] {
  return probabilitiesOf(forward(params, x).logits);
}

/** The auxiliary logits (the teacher's hidden trait, as the student sees it). */
export function auxLogits(params: ModelParams, shape: ModelShape, x: Float32Array): number[] {
  return Array.from(forward(params, x).logits.subarray(DIGITS, DIGITS + shape.m));
}

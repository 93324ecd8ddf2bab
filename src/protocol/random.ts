/**
 * Seeded randomness, implemented in plain JS so that the same seed gives the same
 * weights, shuffles and noise on every tfjs backend (backend RNGs differ), and the streams
 * each seed of a run draws from.
 */
import { IMAGE_PIXELS } from './constants';

/** A 32-bit integer hash with good avalanche (lowbias32, Chris Wellons). */
export function hash32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Derives an independent sub-seed from a seed and a label, so streams never overlap by accident. */
export function deriveSeed(seed: number, label: string): number {
  let h = hash32(seed ^ 0x9e3779b9);
  for (let i = 0; i < label.length; i++) h = hash32(h ^ label.charCodeAt(i));
  return h;
}

/** A small seeded generator (mulberry32): uniform floats in [0, 1). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed) >>> 0;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by Box–Muller (one value per call; simple and exact enough for init). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/**
 * Pixel `index` of a fixed noise set, uniform on [-1, 1). Counter-based: the set is a pure
 * function of (seed, index), so it is "one fixed set" without holding 60,000 × 784 floats.
 */
export function noisePixel(seed: number, index: number): number {
  const h = hash32(hash32(index ^ seed) + seed);
  return (h >>> 8) / 8388608 - 1; // 24 bits → [0, 2) → [-1, 1)
}

/**
 * The random streams of one seed. As in the authors' batched script, every seed is a model of
 * its own: its own initialisation, its own teacher data order (redrawn every epoch), its own
 * noise set and its own student data order. A seed's students (shared, different; aux, all)
 * share its teacher, its noise set and its student order, so conditions compare seed by seed; a
 * partly shared student starts from a mix of the reference and the different initialisation.
 * A seed therefore gives the same models in any run, whatever the run's other seeds.
 */
export function seedStreams(seed: number) {
  return {
    reference: deriveSeed(seed, 'reference-init'),
    /** A "different" student's initialisation: a stream of its own, never any seed's reference. */
    different: deriveSeed(seed, 'different-init'),
    teacherOrder: deriveSeed(seed, 'teacher-order'),
    noise: deriveSeed(seed, 'noise'),
    studentOrder: deriveSeed(seed, 'student-order'),
    /** Which training labels a favourite-digit teacher relabels. */
    favourite: deriveSeed(seed, 'favourite-labels'),
  };
}

/** How a noise set is drawn (config's noise and noiseBlur; docs/protocol.md): the kind and, for blur, the Gaussian's σ in pixels. */
export interface NoiseSpec {
  kind: 'uniform' | 'gaussian' | 'blur';
  blur: number;
}

/** The noise every run drew before noise became a setting. */
export const UNIFORM_NOISE: NoiseSpec = { kind: 'uniform', blur: 1 };

/** Salts that give each kind a counter space of its own under the same seed. */
const GAUSSIAN_SALT = 0x67617573;
const BLUR_SALT = 0x626c7572;

/**
 * Pixels 2j and 2j + 1 of a Gaussian noise set (`salted` = gaussianSeed(seed)): the two
 * independent standard normals of one Box–Muller draw, r·cos(2πv) and r·sin(2πv), from two 24-bit
 * uniforms u, v of the counter hash, u offset by half a step so that it is never 0 (r < 5.9).
 */
function gaussianPair(salted: number, pair: number): [number, number] {
  const u = ((hash32(hash32((2 * pair) ^ salted) + salted) >>> 8) + 0.5) / 16777216;
  const v = (hash32(hash32((2 * pair + 1) ^ salted) + salted) >>> 8) / 16777216;
  const r = Math.sqrt(-2 * Math.log(u));
  return [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
}

const gaussianSeed = (seed: number) => hash32(seed ^ GAUSSIAN_SALT);

/** Pixel `index` of a Gaussian noise set: standard normal, one of its Box–Muller pair's two values. */
export function gaussianPixel(seed: number, index: number): number {
  return gaussianPair(gaussianSeed(seed), Math.floor(index / 2))[index % 2];
}

/** The blur's kernel for σ, cut at 3σ, with the factor that brings the blurred field back to the uniform field's variance. */
const blurKernels = new Map<number, { weights: Float64Array; radius: number; gain: number }>();
function blurKernel(sigma: number) {
  let kernel = blurKernels.get(sigma);
  if (!kernel) {
    const radius = Math.ceil(3 * sigma);
    const weights = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    // Separable: a blurred pixel is Σ_ab w_a w_b u, of variance (1/3)·(Σ w²)², so dividing by Σ w² restores 1/3.
    const gain = 1 / weights.reduce((sum, w) => sum + w * w, 0);
    kernel = { weights, radius, gain };
    blurKernels.set(sigma, kernel);
  }
  return kernel;
}

const SIDE = 28;

/**
 * Image `image` of a blurred noise set into `out` (784 values): a uniform field on [-1, 1) of
 * (28 + 2r)² pixels (r = ⌈3σ⌉, so every kept pixel has its whole neighbourhood and the same
 * variance), smoothed by the separable Gaussian and cropped to 28 × 28. `row` and `field` are scratch.
 */
function blurImage(seed: number, image: number, sigma: number, out: Float32Array, offset: number, row: Float64Array, field: Float64Array) {
  const { weights, radius, gain } = blurKernel(sigma);
  const wide = SIDE + 2 * radius;
  const s = hash32(seed ^ BLUR_SALT);
  const first = image * wide * wide;
  for (let i = 0; i < wide * wide; i++) field[i] = noisePixel(s, first + i);
  // Along rows: field (wide × wide) → row (wide × 28); then down columns into out (28 × 28).
  for (let y = 0; y < wide; y++)
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let a = 0; a < weights.length; a++) sum += weights[a] * field[y * wide + x + a];
      row[y * SIDE + x] = sum;
    }
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let a = 0; a < weights.length; a++) sum += weights[a] * row[(y + a) * SIDE + x];
      out[offset + y * SIDE + x] = gain * sum;
    }
}

/**
 * Writes noise images `indices` of the noise set `noiseSeed`, drawn as `spec` says, into `out`
 * (row-major) and, if given, transposed into `outT` ([784, n]). Every kind is a pure function of
 * (seed, image index): the same image whatever batch asks for it.
 */
export function fillNoise(spec: NoiseSpec, noiseSeed: number, indices: ArrayLike<number>, out: Float32Array, outT?: Float32Array): void {
  const n = indices.length;
  const wide = spec.kind === 'blur' ? SIDE + 2 * blurKernel(spec.blur).radius : 0;
  const scratch = wide ? { row: new Float64Array(wide * SIDE), field: new Float64Array(wide * wide) } : null;
  const salted = gaussianSeed(noiseSeed);
  for (let r = 0; r < n; r++) {
    const src = indices[r] * IMAGE_PIXELS;
    const dst = r * IMAGE_PIXELS;
    if (scratch) blurImage(noiseSeed, indices[r], spec.blur, out, dst, scratch.row, scratch.field);
    else if (spec.kind === 'gaussian')
      // An image starts at an even pixel (784 is even), so its pixels pair up as Box–Muller draws.
      for (let c = 0; c < IMAGE_PIXELS; c += 2) [out[dst + c], out[dst + c + 1]] = gaussianPair(salted, (src + c) / 2);
    else for (let c = 0; c < IMAGE_PIXELS; c++) out[dst + c] = noisePixel(noiseSeed, src + c);
    if (outT) for (let c = 0; c < IMAGE_PIXELS; c++) outT[c * n + r] = out[dst + c];
  }
}

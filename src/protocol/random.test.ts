import { describe, expect, it } from 'vitest';
import { deriveSeed, fillNoise, gaussianPixel, noisePixel, Rng, UNIFORM_NOISE, type NoiseSpec } from './random';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds, draw after draw', () => {
    const sequence = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 1000 }, () => rng.nextUint32());
    };
    expect(sequence(7)).toEqual(sequence(7));
    // Not merely a different first draw: seeds 7 and 8 share no position in a thousand.
    const [a, b] = [sequence(7), sequence(8)];
    expect(a.filter((v, i) => v === b[i])).toEqual([]);
    // And a generator does not repeat itself early.
    expect(new Set(a).size).toBe(1000);
    for (const draw of [(r: Rng) => r.next(), (r: Rng) => r.normal(), (r: Rng) => r.int(10)]) {
      const [x, y] = [new Rng(3), new Rng(3)];
      expect(Array.from({ length: 200 }, () => draw(x))).toEqual(Array.from({ length: 200 }, () => draw(y)));
    }
  });

  it('draws standard normals', () => {
    const rng = new Rng(1);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    // Standard errors: mean 1/√n ≈ 0.003, variance √(2/n) ≈ 0.0045; margins are > 4 of them.
    expect(Math.abs(sum / n)).toBeLessThan(0.015);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
  });

  it('shuffles into a permutation', () => {
    const p = new Rng(3).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.subarray(0, 10))).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('derives distinct sub-seeds per label', () => {
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
  });
});

describe('noisePixel', () => {
  it('is uniform on [-1, 1)', () => {
    const n = 200_000;
    const bins = new Array<number>(10).fill(0);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = noisePixel(99, i);
      min = Math.min(min, v);
      max = Math.max(max, v);
      bins[Math.floor((v + 1) * 5)] += 1;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(1);
    expect(min).toBeLessThan(-0.999);
    expect(max).toBeGreaterThan(0.999);
    // Each bin expects 20,000 ± 134 (binomial sd); 1,000 is > 7 sd.
    for (const count of bins) expect(Math.abs(count - n / 10)).toBeLessThan(1000);
  });
});

/** Pixels of `images` noise images from each of `seeds`, drawn as `spec` says. */
function draw(spec: NoiseSpec, seeds: readonly number[], images: number): Float32Array[] {
  return seeds.map((seed) => {
    const out = new Float32Array(images * 784);
    fillNoise(
      spec,
      seed,
      Array.from({ length: images }, (_, i) => i),
      out,
    );
    return out;
  });
}

/** Mean and variance over every pixel, the correlation of horizontal neighbours, and the variance of the top-left pixel across images. */
function moments(sets: readonly Float32Array[]) {
  let [n, sum, sumSq] = [0, 0, 0];
  for (const set of sets) for (const v of set) [n, sum, sumSq] = [n + 1, sum + v, sumSq + v * v];
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  let [pairs, products, corners, cornerSq] = [0, 0, 0, 0];
  for (const set of sets)
    for (let image = 0; image < set.length / 784; image++) {
      const at = image * 784;
      corners += 1;
      cornerSq += (set[at] - mean) ** 2;
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 27; x++) {
          pairs += 1;
          products += (set[at + y * 28 + x] - mean) * (set[at + y * 28 + x + 1] - mean);
        }
    }
  return { mean, variance, neighbours: products / pairs / variance, corner: cornerSq / corners };
}

describe('fillNoise', () => {
  // Three seeds of 300 images each: 705,600 pixels per kind.
  const SEEDS = [1, 2, 3];
  const IMAGES = 300;

  it("draws uniform noise as noisePixel always has: today's runs are unchanged", () => {
    const [set] = draw(UNIFORM_NOISE, [77], 4);
    expect(Array.from(set)).toEqual(Array.from(set, (_, i) => Math.fround(noisePixel(77, i))));
  });

  it('draws Gaussian noise as gaussianPixel says, pixel by pixel', () => {
    const [set] = draw({ kind: 'gaussian', blur: 1 }, [77], 3);
    expect(Array.from(set)).toEqual(Array.from(set, (_, i) => Math.fround(gaussianPixel(77, i))));
  });

  it('draws uniform and Gaussian noise with their moments and no correlation between neighbours', () => {
    // Standard errors over 705,600 pixels: uniform mean 0.0007, variance 0.0004; Gaussian mean
    // 0.0012, variance 0.0017; a neighbour correlation 0.0012. Margins are 6 or more of them.
    const uniform = moments(draw(UNIFORM_NOISE, SEEDS, IMAGES));
    expect(Math.abs(uniform.mean)).toBeLessThan(0.005);
    expect(Math.abs(uniform.variance - 1 / 3)).toBeLessThan(0.003);
    expect(Math.abs(uniform.neighbours)).toBeLessThan(0.008);
    const gaussian = moments(draw({ kind: 'gaussian', blur: 1 }, SEEDS, IMAGES));
    expect(Math.abs(gaussian.mean)).toBeLessThan(0.008);
    expect(Math.abs(gaussian.variance - 1)).toBeLessThan(0.012);
    expect(Math.abs(gaussian.neighbours)).toBeLessThan(0.008);
  });

  it("blurs uniform noise at uniform noise's variance, everywhere in the image, its neighbours the more alike the wider the blur", () => {
    const neighbours = [0.5, 1, 2, 4].map((blur) => {
      const blurred = moments(draw({ kind: 'blur', blur }, SEEDS, IMAGES));
      // A wide blur leaves few independent values per image: at σ = 4 the mean's standard error
      // is ≈ 0.01 and the variance's ≈ 0.004 over these 900 images.
      expect(Math.abs(blurred.mean), `σ = ${blur}`).toBeLessThan(0.05);
      expect(Math.abs(blurred.variance - 1 / 3), `σ = ${blur}`).toBeLessThan(0.02);
      // The corner has its whole neighbourhood too (no padding with zeros, which would quarter its variance at the corner).
      expect(Math.abs(blurred.corner - 1 / 3), `σ = ${blur}, top-left pixel`).toBeLessThan(0.08);
      return blurred.neighbours;
    });
    // Measured 0.26, 0.78, 0.94, 0.98, each within ±0.003 from seed to seed.
    expect(neighbours[0]).toBeGreaterThan(0.2);
    for (let i = 1; i < neighbours.length; i++) expect(neighbours[i]).toBeGreaterThan(neighbours[i - 1] + 0.02);
  });

  it('draws each kind per seed: the same seed the same images, another seed others, and the kinds apart', () => {
    for (const spec of [UNIFORM_NOISE, { kind: 'gaussian', blur: 1 }, { kind: 'blur', blur: 2 }] as const) {
      const [a, b, c] = draw(spec, [5, 5, 6], 3);
      expect(a).toEqual(b);
      expect(a.some((v, i) => v !== c[i])).toBe(true);
    }
    const [uniform, gaussian, blurred] = (['uniform', 'gaussian', 'blur'] as const).map((kind) => draw({ kind, blur: 1 }, [5], 1)[0]);
    expect(uniform.some((v, i) => v !== gaussian[i] && v !== blurred[i])).toBe(true);
  });
});

/** A seed's first noise images as the run draws them, for the sections that show what the student sees. */
import { noiseOf, type Config } from '../protocol/config';
import { IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise, seedStreams } from '../protocol/random';

/** Images 0 … count − 1 of `seed`'s noise set, drawn as `config` says. */
export function noiseImages(config: Pick<Config, 'noise' | 'noiseBlur'>, seed: number, count: number): Float32Array[] {
  const values = new Float32Array(count * IMAGE_PIXELS);
  fillNoise(
    noiseOf(config),
    seedStreams(seed).noise,
    Array.from({ length: count }, (_, i) => i),
    values,
  );
  return Array.from({ length: count }, (_, i) => values.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS));
}

/**
 * Where black and white lie for a kind of noise: ±√3 standard deviations, which is uniform noise's
 * own range, so every kind is drawn at the same contrast per standard deviation (Gaussian noise's
 * σ is 1, the others' 1/√3).
 */
export const noiseShade = (config: Pick<Config, 'noise'>): number => (config.noise === 'gaussian' ? Math.sqrt(3) : 1);

/** The noise in words, for the captions under its samples. */
export function noiseWords(config: Pick<Config, 'noise' | 'noiseBlur'>): string {
  if (config.noise === 'gaussian') return 'Gaussian noise (standard normal)';
  if (config.noise === 'blur') return `Uniform noise blurred by a Gaussian of σ = ${config.noiseBlur} px, at uniform noise's variance`;
  return 'Uniform noise';
}

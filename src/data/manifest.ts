/** The manifest the build writes beside the compressed MNIST files (see build/mnist-assets.ts). */
import type { MnistFiles } from '../engine/data';

export const MNIST_MANIFEST_PATH = 'mnist/manifest.json';

export interface MnistAsset {
  /** Path relative to the manifest's folder; content-hashed, so it can be cached forever. */
  file: string;
  /** Size of the gzip file. */
  bytes: number;
  /** Size once decompressed. */
  rawBytes: number;
}

export type MnistManifest = { format: 'mnist-idx-gzip@1' } & Record<keyof MnistFiles, MnistAsset>;

/**
 * The MNIST the page serves itself, in pieces (see build/mnist-assets.ts): each split's labels as
 * one file and its images in chunks of CHUNK_IMAGES, so a run fetches only the images it uses. The
 * build embeds this manifest, with every piece's SHA-256, in the page's code (`virtual:mnist-manifest`),
 * so the hashes travel with the code, not with the data they check.
 */

/** Images per chunk: the default classroom run needs 6 of the 30 training chunks and 1 of the 5 test chunks. */
export const CHUNK_IMAGES = 2000;

export interface MnistAsset {
  /** Path relative to the app's base URL; content-hashed, so it can be cached forever. */
  file: string;
  /** Size of the gzip file. */
  bytes: number;
  /** Size once decompressed. */
  rawBytes: number;
  /** SHA-256 of the decompressed bytes. */
  sha256: string;
}

export interface MnistSplitAssets {
  /** Images in the split. */
  count: number;
  /** Every label of the split, one byte each. */
  labels: MnistAsset;
  /** Image chunk i holds images i·CHUNK_IMAGES …, 784 bytes each, row-major. */
  images: MnistAsset[];
}

export interface MnistManifest {
  format: 'mnist-chunks@1';
  chunkImages: number;
  train: MnistSplitAssets;
  test: MnistSplitAssets;
}

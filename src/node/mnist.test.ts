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
    await expect(loadMnist(dir)).rejects.toThrow(`${labels}: cannot read the MNIST file (ENOENT)`);
  });
});

import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMnistAssets, type BuiltAssets } from '../../build/mnist-assets';
import { loadMnistAssets, MnistLoadError, type LoadProgress } from './loadMnist';

const BASE = 'http://app.test/sub/path/';
let assets: BuiltAssets;

beforeAll(() => {
  assets = buildMnistAssets(process.cwd());
});

/** A fetch that serves the built assets under BASE, with optional tampering per file. */
function fakeFetch(tamper: (file: string, body: Buffer) => Buffer | null = (_f, b) => b) {
  const requests: string[] = [];
  const impl = async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    if (url === `${BASE}mnist/manifest.json`) return new Response(JSON.stringify(assets.manifest));
    const file = url.slice(`${BASE}mnist/`.length);
    const body = assets.files.get(file);
    const served = body ? tamper(file, body) : null;
    return served ? new Response(new Uint8Array(served)) : new Response('not found', { status: 404 });
  };
  return { fetch: impl as typeof fetch, requests };
}

/** Cache Storage stand-in: what the loader needs of it. */
function fakeCache() {
  const store = new Map<string, Response>();
  return {
    store,
    cache: {
      match: async (url: string) => store.get(url)?.clone(),
      put: async (url: string, response: Response) => void store.set(url, response),
      delete: async (url: string) => store.delete(url),
    } as unknown as Cache,
  };
}

describe('MNIST assets', () => {
  it('are content-hashed gzip files much smaller than the raw IDX files', () => {
    const { manifest } = assets;
    expect(manifest.trainImages.file).toMatch(/^train-images-idx3-ubyte\.[0-9a-f]{10}\.gz$/);
    expect(manifest.trainImages.rawBytes).toBe(47040016);
    expect(manifest.trainImages.bytes).toBeLessThan(manifest.trainImages.rawBytes / 3);
  });

  it('load with progress, then come from the cache on the next visit', async () => {
    const { cache } = fakeCache();
    const first = fakeFetch();
    const progress: LoadProgress[] = [];
    const mnist = await loadMnistAssets({ baseUrl: BASE, fetch: first.fetch, cache, onProgress: (p) => progress.push({ ...p }) });
    expect(mnist.train.count).toBe(60000);
    expect(Array.from(mnist.test.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    const last = progress.at(-1)!;
    expect(last.loadedBytes).toBe(last.totalBytes);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.every((p, i) => i === 0 || p.loadedBytes > progress[i - 1].loadedBytes)).toBe(true);
    expect(first.requests).toHaveLength(5);

    const second = fakeFetch();
    const again = await loadMnistAssets({ baseUrl: BASE, fetch: second.fetch, cache });
    expect(again.train.labels).toEqual(mnist.train.labels);
    expect(second.requests).toEqual([`${BASE}mnist/manifest.json`]);
  });

  it('accepts files a server already decompressed (Content-Encoding: gzip)', async () => {
    const raw = fakeFetch((file, body) => (file.startsWith('t10k-labels') ? gunzipSync(body) : body));
    const mnist = await loadMnistAssets({ baseUrl: BASE, fetch: raw.fetch, cache: null });
    expect(mnist.test.count).toBe(10000);
  });

  it('fails with a clear message on missing, corrupt or truncated files', async () => {
    const missing = fakeFetch((file, body) => (file.startsWith('train-labels') ? null : body));
    await expect(loadMnistAssets({ baseUrl: BASE, fetch: missing.fetch, cache: null })).rejects.toThrow(
      /train-labels-idx1-ubyte\..*\.gz: HTTP 404/,
    );

    const corrupt = fakeFetch((file, body) =>
      file.startsWith('t10k-labels') ? Buffer.concat([body.subarray(0, 20), Buffer.alloc(30, 7)]) : body,
    );
    await expect(loadMnistAssets({ baseUrl: BASE, fetch: corrupt.fetch, cache: null })).rejects.toThrow(MnistLoadError);

    const truncated = fakeFetch((file, body) => (file.startsWith('t10k-labels') ? gzipSync(gunzipSync(body).subarray(0, 5000)) : body));
    await expect(loadMnistAssets({ baseUrl: BASE, fetch: truncated.fetch, cache: null })).rejects.toThrow(
      /5000 bytes after decompression, expected 10008/,
    );
  });

  it('refuses a file whose contents are not MNIST, naming it, even when its size and format are right', async () => {
    const zeroLabels = fakeFetch((file, body) => {
      if (!file.startsWith('t10k-labels')) return body;
      const raw = gunzipSync(body);
      raw.fill(0, 8); // a valid IDX header, every label 0
      return gzipSync(raw);
    });
    await expect(loadMnistAssets({ baseUrl: BASE, fetch: zeroLabels.fetch, cache: null })).rejects.toThrow(
      /^t10k-labels-idx1-ubyte\.[0-9a-f]{10}\.gz: its contents are not the MNIST t10k-labels-idx1-ubyte file \(SHA-256 [0-9a-f]{16}…, expected ff7bcfd416de3373…\)/,
    );
  });

  it('replaces a damaged cache entry instead of failing on every visit', async () => {
    const { cache, store } = fakeCache();
    await loadMnistAssets({ baseUrl: BASE, fetch: fakeFetch().fetch, cache });
    const labelsUrl = [...store.keys()].find((url) => url.includes('t10k-labels'))!;
    store.set(labelsUrl, new Response(new Uint8Array([0x1f, 0x8b, 1, 2, 3])));
    const mnist = await loadMnistAssets({ baseUrl: BASE, fetch: fakeFetch().fetch, cache });
    expect(mnist.test.count).toBe(10000);
  });
});

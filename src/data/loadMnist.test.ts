import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMnistAssets, type BuiltAssets } from '../../build/mnist-assets';
import { loadMnist } from '../node/mnist';
import type { MnistData } from '../engine/data';
import { CHUNK_IMAGES } from './manifest';
import { MnistLoader, MnistLoadError, type LoadProgress } from './loadMnist';

const BASE = 'http://app.test/sub/path/';
/** Byte-for-byte equality, fast on megabytes (toEqual walks them one by one). */
const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
let assets: BuiltAssets;
let raw: MnistData;

beforeAll(async () => {
  assets = buildMnistAssets(process.cwd());
  raw = await loadMnist();
});

/** A fetch that serves the built pieces under BASE, with optional tampering per file. */
function fakeFetch(tamper: (file: string, body: Buffer) => Buffer | null = (_f, b) => b) {
  const requests: string[] = [];
  const impl = async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url.slice(BASE.length));
    const file = url.slice(BASE.length);
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

const loader = (fetcher: ReturnType<typeof fakeFetch>, cache: Cache | null = null, onProgress?: (p: LoadProgress) => void) =>
  new MnistLoader({ baseUrl: BASE, manifest: assets.manifest, fetch: fetcher.fetch, cache, onProgress });

describe('MNIST pieces', () => {
  it('are content-hashed gzip chunks of 2,000 images, the labels whole, much smaller than the raw files', () => {
    const { manifest } = assets;
    expect(manifest.train.images).toHaveLength(30);
    expect(manifest.test.images).toHaveLength(5);
    expect(manifest.train.images[0].file).toMatch(/^mnist\/train-images-00\.[0-9a-f]{10}\.gz$/);
    expect(manifest.train.images[0].rawBytes).toBe(CHUNK_IMAGES * 784);
    const total = manifest.train.images.reduce((sum, a) => sum + a.bytes, 0);
    expect(total).toBeLessThan(47040000 / 3);
  });

  it('fetch only the chunks a run needs, then the rest when a larger run asks, and give the same images as the raw files', async () => {
    const fetcher = fakeFetch();
    const progress: LoadProgress[] = [];
    const mnist = loader(fetcher, null, (p) => progress.push({ ...p }));
    const small = await mnist.ensure(12000, 2000);
    expect(fetcher.requests.sort()).toEqual(
      [
        assets.manifest.train.labels,
        ...assets.manifest.train.images.slice(0, 6),
        assets.manifest.test.labels,
        assets.manifest.test.images[0],
      ]
        .map((a) => a.file)
        .sort(),
    );
    expect([small.train.count, small.test.count]).toEqual([12000, 2000]);
    expect(same(small.train.images, raw.train.images.subarray(0, 12000 * 784))).toBe(true);
    expect(same(small.test.labels, raw.test.labels)).toBe(true);
    const last = progress.at(-1)!;
    expect(last.loadedBytes).toBe(last.totalBytes);
    expect(progress.every((p, i) => i === 0 || p.loadedBytes >= progress[i - 1].loadedBytes)).toBe(true);

    fetcher.requests.length = 0;
    const all = await mnist.ensure(60000, 10000);
    expect(fetcher.requests).toHaveLength(24 + 4); // the missing chunks only
    expect(same(all.train.images, raw.train.images)).toBe(true);
    expect(same(all.test.images, raw.test.images)).toBe(true);
    expect(same(all.train.labels, raw.train.labels)).toBe(true);
    fetcher.requests.length = 0;
    await mnist.ensure(30000, 5000);
    expect(fetcher.requests).toEqual([]);
  });

  it('come from the cache on the next visit', async () => {
    const { cache } = fakeCache();
    await loader(fakeFetch(), cache).ensure(4000, 2000);
    const second = fakeFetch();
    const again = await loader(second, cache).ensure(4000, 2000);
    expect(second.requests).toEqual([]);
    expect(again.train.count).toBe(4000);
  });

  it('accept pieces a server already decompressed (Content-Encoding: gzip)', async () => {
    const decompressed = fakeFetch((file, body) => (file.includes('test-labels') ? gunzipSync(body) : body));
    expect((await loader(decompressed).ensure(100, 100)).test.count).toBe(2000);
  });

  it('fail with a clear message on missing, corrupt, truncated or substituted pieces, naming them', async () => {
    const chunk = assets.manifest.train.images[1].file;
    const tampered = (edit: (body: Buffer) => Buffer | null) =>
      loader(fakeFetch((file, body) => (file === chunk ? edit(body) : body))).ensure(4000, 100);
    await expect(tampered(() => null)).rejects.toThrow(new RegExp(`${chunk}: HTTP 404`));
    await expect(tampered((b) => Buffer.concat([b.subarray(0, 20), Buffer.alloc(30, 7)]))).rejects.toThrow(MnistLoadError);
    await expect(tampered((b) => gzipSync(gunzipSync(b).subarray(0, 5000)))).rejects.toThrow(
      `${chunk}: 5000 bytes after decompression, expected 1568000`,
    );
    // Right size and format, wrong pixels: only the hash can tell.
    await expect(tampered((b) => gzipSync(gunzipSync(b).fill(255, 0, 10)))).rejects.toThrow(
      new RegExp(
        `^${chunk}: its contents are not this piece of MNIST \\(SHA-256 [0-9a-f]{16}…, expected [0-9a-f]{16}…\\); it is damaged or was replaced$`,
      ),
    );
  });

  it('replace a damaged cache entry instead of failing on every visit', async () => {
    const { cache, store } = fakeCache();
    await loader(fakeFetch(), cache).ensure(2000, 2000);
    const labelsUrl = [...store.keys()].find((url) => url.includes('test-labels'))!;
    store.set(labelsUrl, new Response(new Uint8Array([0x1f, 0x8b, 1, 2, 3])));
    expect((await loader(fakeFetch(), cache).ensure(2000, 2000)).test.count).toBe(2000);
  });
});

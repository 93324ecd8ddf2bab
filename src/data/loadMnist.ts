/**
 * Loads MNIST in the browser (page or worker) from the app's own compressed assets, with
 * progress, decompressing with DecompressionStream and keeping the files in Cache Storage
 * so a second visit reads nothing from the network.
 */
import { checkMnistDigest, mnistFromFiles, type MnistData, type MnistFiles } from '../engine/data';
import { sha256Hex } from './sha256';
import { MNIST_MANIFEST_PATH, type MnistManifest } from './manifest';

export interface LoadProgress {
  loadedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

export interface LoadOptions {
  /** URL of the folder holding mnist/ (the app's base URL). */
  baseUrl: string;
  onProgress?(progress: LoadProgress): void;
  fetch?: typeof fetch;
  /** Cache Storage to keep the files in; null to skip caching. */
  cache?: Cache | null;
}

const CACHE_NAME = 'subliminal-mnist-data-v1';

export class MnistLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MnistLoadError';
  }
}

export async function openMnistCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. an insecure context or storage disabled: load without caching
  }
}

async function readAll(response: Response, onChunk: (bytes: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onChunk(value.length);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** gunzip, unless a server already undid the gzip (Content-Encoding) on the way. */
async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!isGzip) return bytes;
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new MnistLoadError(`${name}: corrupt gzip data (${error instanceof Error ? error.message : String(error)})`);
  }
}

export async function loadMnistAssets(options: LoadOptions): Promise<MnistData> {
  const doFetch = options.fetch ?? fetch;
  const cache = options.cache === undefined ? await openMnistCache() : options.cache;
  const base = new URL(MNIST_MANIFEST_PATH, options.baseUrl);
  const manifestResponse = await doFetch(base.href, { cache: 'no-cache' }).catch((error: unknown) => {
    throw new MnistLoadError(`could not reach ${base.href}: ${String(error)}`);
  });
  if (!manifestResponse.ok) throw new MnistLoadError(`${base.href}: HTTP ${manifestResponse.status}`);
  const manifest = (await manifestResponse.json()) as MnistManifest;
  if (manifest.format !== 'mnist-idx-gzip@1') throw new MnistLoadError(`${base.href}: unknown format ${String(manifest.format)}`);

  const keys = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;
  const totalBytes = keys.reduce((sum, key) => sum + manifest[key].bytes, 0);
  let loadedBytes = 0;
  let fromCache = true;
  const report = (n: number) => {
    loadedBytes += n;
    options.onProgress?.({ loadedBytes, totalBytes, fromCache });
  };
  const files = {} as MnistFiles;
  const download = async (url: string): Promise<Response> => {
    fromCache = false;
    const response = await doFetch(url);
    if (!response.ok) throw new MnistLoadError(`${url}: HTTP ${response.status}`);
    if (cache) await cache.put(url, response.clone()).catch(() => undefined);
    return response;
  };
  const read = async (key: (typeof keys)[number], response: Response) => {
    const bytes = await gunzip(await readAll(response, report), manifest[key].file);
    if (bytes.length !== manifest[key].rawBytes)
      throw new MnistLoadError(`${manifest[key].file}: ${bytes.length} bytes after decompression, expected ${manifest[key].rawBytes}`);
    checkMnistDigest(key, manifest[key].file, await sha256Hex(bytes));
    return bytes;
  };
  await Promise.all(
    keys.map(async (key) => {
      const url = new URL(manifest[key].file, base).href;
      const cached = await cache?.match(url);
      if (!cached) {
        files[key] = await read(key, await download(url));
        return;
      }
      try {
        files[key] = await read(key, cached);
      } catch {
        // A damaged cache entry must not break every later visit: drop it and download again.
        await cache!.delete(url);
        files[key] = await read(key, await download(url));
      }
    }),
  );
  return mnistFromFiles(files);
}

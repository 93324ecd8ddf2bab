/**
 * Loads MNIST in the browser (page or worker) from the app's own compressed pieces, only as many
 * as a run needs: the labels, and the image chunks that hold the first `trainCount` training and
 * `testCount` test images. A larger run fetches the rest when it asks. Each piece is checked
 * against the SHA-256 the build embedded in the code, decompressed with DecompressionStream, and
 * kept in Cache Storage so that a second visit reads nothing from the network.
 */
import type { MnistData, MnistSplit } from '../engine/data';
import { IMAGE_PIXELS } from '../protocol/constants';
import type { MnistAsset, MnistManifest, MnistSplitAssets } from './manifest';
import { sha256Hex } from './sha256';

export interface LoadProgress {
  /** Bytes of the pieces being loaded now, and how many of them have arrived. */
  loadedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

export interface LoaderOptions {
  /** URL of the folder holding mnist/ (the app's base URL). */
  baseUrl: string;
  manifest: MnistManifest;
  onProgress?(progress: LoadProgress): void;
  fetch?: typeof fetch;
  /** Cache Storage to keep the pieces in; null to skip caching, undefined to open the app's. */
  cache?: Cache | null;
}

const CACHE_NAME = 'subliminal-mnist-data-v2';

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

/** One split as it fills: the labels, and an image buffer whose chunks arrive in any order. */
class SplitStore {
  readonly images: Uint8Array;
  labels: Uint8Array | null = null;
  readonly loaded: boolean[];

  constructor(
    readonly assets: MnistSplitAssets,
    readonly chunkImages: number,
  ) {
    this.images = new Uint8Array(assets.count * IMAGE_PIXELS);
    this.loaded = assets.images.map(() => false);
  }

  /** Images loaded from the first on, without a gap. */
  get prefix(): number {
    const gap = this.loaded.indexOf(false);
    return gap < 0 ? this.assets.count : Math.min(this.assets.count, gap * this.chunkImages);
  }

  /** The pieces still missing for the first `count` images (labels first). */
  missing(count: number): { asset: MnistAsset; store: (bytes: Uint8Array) => void }[] {
    const needed = Math.ceil(Math.min(count, this.assets.count) / this.chunkImages);
    const pieces: { asset: MnistAsset; store: (bytes: Uint8Array) => void }[] = [];
    if (!this.labels) pieces.push({ asset: this.assets.labels, store: (bytes) => (this.labels = bytes) });
    for (let i = 0; i < needed; i++)
      if (!this.loaded[i])
        pieces.push({
          asset: this.assets.images[i],
          store: (bytes) => {
            this.images.set(bytes, i * this.chunkImages * IMAGE_PIXELS);
            this.loaded[i] = true;
          },
        });
    return pieces;
  }

  split(): MnistSplit {
    const count = this.prefix;
    return { images: this.images.subarray(0, count * IMAGE_PIXELS), labels: this.labels!, count };
  }
}

/** MNIST as a run needs it: `ensure` fetches what is missing, once, and returns what is loaded. */
export class MnistLoader {
  private readonly train: SplitStore;
  private readonly test: SplitStore;
  private queue: Promise<unknown> = Promise.resolve();
  private cache: Promise<Cache | null>;

  constructor(private readonly options: LoaderOptions) {
    if (options.manifest.format !== 'mnist-chunks@1')
      throw new MnistLoadError(`unknown MNIST manifest format ${String(options.manifest.format)}`);
    this.train = new SplitStore(options.manifest.train, options.manifest.chunkImages);
    this.test = new SplitStore(options.manifest.test, options.manifest.chunkImages);
    this.cache = options.cache === undefined ? openMnistCache() : Promise.resolve(options.cache);
  }

  /** How many images of each split are loaded. */
  get loaded(): { train: number; test: number } {
    return { train: this.train.prefix, test: this.test.prefix };
  }

  /** The data with at least the first `trainCount` training and `testCount` test images (fewer only where MNIST has fewer). */
  ensure(trainCount: number, testCount: number): Promise<MnistData> {
    const next = this.queue.then(() => this.load(trainCount, testCount));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(trainCount: number, testCount: number): Promise<MnistData> {
    const pieces = [...this.train.missing(trainCount), ...this.test.missing(testCount)];
    if (pieces.length > 0) {
      const cache = await this.cache;
      const totalBytes = pieces.reduce((sum, p) => sum + p.asset.bytes, 0);
      let loadedBytes = 0;
      let fromCache = true;
      const report = (n: number) => {
        loadedBytes += n;
        this.options.onProgress?.({ loadedBytes, totalBytes, fromCache });
      };
      const download = async (url: string): Promise<Response> => {
        fromCache = false;
        const response = await (this.options.fetch ?? fetch)(url).catch((error: unknown) => {
          throw new MnistLoadError(`could not reach ${url}: ${String(error)}`);
        });
        if (!response.ok) throw new MnistLoadError(`${url}: HTTP ${response.status}`);
        if (cache) await cache.put(url, response.clone()).catch(() => undefined);
        return response;
      };
      const read = async (asset: MnistAsset, response: Response) => {
        const bytes = await gunzip(await readAll(response, report), asset.file);
        if (bytes.length !== asset.rawBytes)
          throw new MnistLoadError(`${asset.file}: ${bytes.length} bytes after decompression, expected ${asset.rawBytes}`);
        const digest = await sha256Hex(bytes);
        if (digest !== asset.sha256)
          throw new MnistLoadError(
            `${asset.file}: its contents are not this piece of MNIST (SHA-256 ${digest.slice(0, 16)}…, expected ${asset.sha256.slice(0, 16)}…); it is damaged or was replaced`,
          );
        return bytes;
      };
      await Promise.all(
        pieces.map(async ({ asset, store }) => {
          const url = new URL(asset.file, this.options.baseUrl).href;
          const cached = await cache?.match(url);
          if (!cached) return store(await read(asset, await download(url)));
          try {
            store(await read(asset, cached));
          } catch {
            // A damaged cache entry must not break every later visit: drop it and download again.
            await cache!.delete(url);
            store(await read(asset, await download(url)));
          }
        }),
      );
    }
    return { train: this.train.split(), test: this.test.split() };
  }
}

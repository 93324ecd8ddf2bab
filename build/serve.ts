/**
 * `npm start` serves the built site (dist/) as a host should: compressed (Brotli or gzip, whichever
 * the browser accepts) for text and WebAssembly, cached forever for content-hashed files (assets/,
 * mnist/), revalidated for the rest, with the page's security headers. `--host` serves on every
 * interface (a classroom's network) and prints the addresses to share; `--port N` (default 4173).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from './security';

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/octet-stream',
};

/** Worth compressing on the way: text and WebAssembly (the MNIST pieces are gzip already). */
export const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.wasm', '.svg']);

/** Content-hashed files never change under their name; everything else is asked about again. */
export const cacheControl = (path: string) => (/^(assets|mnist)\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');

function main() {
  const args = process.argv.slice(2);
  const host = args.includes('--host') ? '0.0.0.0' : '127.0.0.1';
  const at = args.indexOf('--port');
  const port = at >= 0 ? Number(args[at + 1]) : 4173;
  const root = resolve('dist');
  if (!existsSync(join(root, 'index.html'))) {
    console.error('error: dist/ has no build; run npm run build first (npm start does both).');
    process.exit(2);
  }
  const compressed = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const relative = normalize(decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html');
    const file = join(root, relative.startsWith('..') ? 'index.html' : relative);
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const ext = extname(file);
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const encoding = !COMPRESSIBLE.has(ext) ? null : /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
    let body: Buffer = readFileSync(file);
    if (encoding) {
      // Keyed by the file's state too: a rebuild under a running server is served fresh.
      const { mtimeMs, size } = statSync(file);
      const key = `${encoding}:${file}:${mtimeMs}:${size}`;
      if (!compressed.has(key))
        compressed.set(
          key,
          encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzipSync(body, { level: 9 }),
        );
      body = compressed.get(key)!;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': cacheControl(relative),
      Vary: 'Accept-Encoding',
      ...(encoding && { 'Content-Encoding': encoding }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.listen(port, host, () => {
    console.log(`Serving dist/ (compressed; content-hashed files cached for a year):`);
    console.log(`  Local:   http://localhost:${port}/`);
    if (host === '0.0.0.0')
      for (const addresses of Object.values(networkInterfaces()))
        for (const a of addresses ?? [])
          if (a.family === 'IPv4' && !a.internal) console.log(`  Network: http://${a.address}:${port}/`);
          else console.log('  (npm start -- --host serves the class on your network too)');
  });
}

// Run as a script (npm start); imported, it only lends its rules (the hosting test reads them).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();

/**
 * Builds the app once (`npm run build`) and serves dist/ from a sub-path of a plain static server
 * (no compression, no caching headers: the worst host), proving the build works from any host and
 * path. Tests get the page's URL through `inject('appUrl')`. The network test has a server of its
 * own (`inject('lineAppUrl')`, so that files running beside it neither add to its counts nor share
 * its line), driven through `inject('lineControlUrl')`: the bytes it has sent and to whom, a shared
 * line's speed (one token bucket for every connection, the workers' included), and pieces of MNIST
 * to damage.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { SECURITY_HEADERS } from '../../build/security';
import { TYPES } from '../../build/serve';

export const SUB_PATH = '/some/sub/path/';

/** What the server has sent since the last reset. */
export interface ServerStats {
  bytes: number;
  /** Paths below the sub-path, in the order they were asked for, with the bytes each sent and when it was asked for (epoch ms). */
  requests: { path: string; bytes: number; at: number }[];
}

interface Control {
  stats: ServerStats;
  /** Bytes per second of the one line every response shares; null for as fast as the machine goes. */
  bytesPerSecond: number | null;
  /** Files (paths below the sub-path) served with their bytes flipped. */
  corrupt: Set<string>;
  /** When the line is next free: one token bucket for all connections, what a school's single line does to thirty browsers. */
  lineFreeAt: number;
}

async function throttled(control: Control, bytes: number): Promise<void> {
  if (!control.bytesPerSecond) return;
  const now = performance.now();
  control.lineFreeAt = Math.max(control.lineFreeAt, now) + (1000 * bytes) / control.bytesPerSecond;
  const wait = control.lineFreeAt - now;
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
}

async function send(control: Control, res: ServerResponse, file: string, path: string): Promise<void> {
  const record = { path, bytes: 0, at: Date.now() };
  control.stats.requests.push(record);
  const count = (n: number) => ((record.bytes += n), (control.stats.bytes += n));
  if (control.corrupt.has(path)) {
    const bytes = readFileSync(file);
    for (let i = 100; i < bytes.length; i += 997) bytes[i] ^= 0xff;
    count(bytes.length);
    res.end(bytes);
    return;
  }
  for await (const chunk of createReadStream(file, { highWaterMark: 16 * 1024 }) as AsyncIterable<Buffer>) {
    await throttled(control, chunk.length);
    count(chunk.length);
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

function controlRequest(control: Control, url: URL, res: ServerResponse): void {
  if (url.pathname === '/__test/reset') {
    control.stats = { bytes: 0, requests: [] };
    control.corrupt.clear();
    control.bytesPerSecond = null;
    control.lineFreeAt = 0;
  } else if (url.pathname === '/__test/throttle') {
    const bps = Number(url.searchParams.get('bitsPerSecond'));
    control.bytesPerSecond = bps > 0 ? bps / 8 : null;
  } else if (url.pathname === '/__test/corrupt') control.corrupt.add(url.searchParams.get('path') ?? '');
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(control.stats));
}

/** A static server of `root` at the sub-path, with its own control (its counts, its line, its damaged files). */
function serve(root: string): Promise<Server> {
  const control: Control = { stats: { bytes: 0, requests: [] }, bytesPerSecond: null, corrupt: new Set(), lineFreeAt: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/__test/')) return controlRequest(control, url, res);
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end();
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html');
    const file = join(root, relative.startsWith('..') ? 'index.html' : relative);
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
    });
    void send(control, res, file, relative);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    /** The same build on a server of its own, whose bytes and line speed tests/network.test.ts counts and sets while other files run. */
    lineAppUrl: string;
    lineControlUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // The production build exactly as users make it; vitest's NODE_ENV=test would bundle React's
  // development build, whose profiling hooks slow the page under test.
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const [server, line] = await Promise.all([serve(join(process.cwd(), 'dist')), serve(join(process.cwd(), 'dist'))]);
  const portOf = (s: Server) => (s.address() as AddressInfo).port;
  project.provide('appUrl', `http://127.0.0.1:${portOf(server)}${SUB_PATH}`);
  project.provide('lineAppUrl', `http://127.0.0.1:${portOf(line)}${SUB_PATH}`);
  project.provide('lineControlUrl', `http://127.0.0.1:${portOf(line)}/__test/`);
  const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
  return () => Promise.all([close(server), close(line)]).then(() => {});
}

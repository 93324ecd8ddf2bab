/**
 * A first visit on a classroom's line, counted by the server (the workers' requests included):
 * what crosses the network before Run is enabled, at full speed and on a shared 2 and 10 Mbit/s
 * line; the favourite-digit preset, run to the end on the same chunks, fetching nothing more (and
 * its export carrying every model's favourite rate); a run that needs all of MNIST getting exactly
 * the data the CLI reads from the raw files; a damaged chunk named and refused.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { conditionsOf } from '../src/protocol/conditions';
import { commandFlags } from '../src/protocol/config';
import { parseExport } from '../src/protocol/export';
import { PRESETS, presetOf } from '../src/protocol/presets';
import { chromiumForFile, runToEnd, server } from './e2e/browser';

const appUrl = inject('lineAppUrl');
const line = server(inject('lineControlUrl'));
const browser = chromiumForFile();

afterAll(async () => {
  await line.reset();
});

/**
 * A first visit: a new browser profile, nothing cached; resolves when Run is enabled, with the time
 * it took and what the page and its workers fetched before the service worker began its background
 * copy of the rest of the site (which is not the visit's wait).
 */
async function firstVisit(context: BrowserContext, query = '') {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${appUrl}${query}`);
  await page.waitForSelector('.controls button.run:not([disabled])', { timeout: 180_000 });
  const ms = Date.now() - started;
  await page.waitForFunction(() => performance.getEntriesByName('visit-downloaded').length > 0, null, { timeout: 60_000 });
  const readyAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('visit-downloaded')[0].startTime);
  const requests = (await line.stats()).requests.filter((r) => r.at <= readyAt);
  return { page, ms, requests, bytes: requests.reduce((sum, r) => sum + r.bytes, 0) };
}

const mnistPieces = (paths: string[]) =>
  [...new Set(paths.filter((p) => p.startsWith('mnist/')))].map((p) => p.replace(/\.[0-9a-f]{10}\.gz$/, '')).sort();

/** The default run's MNIST pieces: 12,000 training images (6 chunks of 2,000), 2,000 test images (1 chunk), both label files. */
const DEFAULT_RUN_PIECES = [
  'mnist/test-images-00',
  'mnist/test-labels',
  ...[0, 1, 2, 3, 4, 5].map((i) => `mnist/train-images-0${i}`),
  'mnist/train-labels',
];

describe('a first visit on a classroom line', () => {
  it('fetches at most 6 MB before Run is enabled, only the chunks the run needs, and nothing more to train the favourite-digit preset on them to the end', async () => {
    await line.reset();
    // Without the service worker, whose background copy of the site would hide what training fetches.
    const context = await browser().newContext({ serviceWorkers: 'block' });
    const { page, ms, ...before } = await firstVisit(context);
    console.log(
      `[first visit, plain server, full speed] ${(before.bytes / 1e6).toFixed(2)} MB before Run is enabled (${ms} ms): ${before.requests.map((r) => `${r.path} ${(r.bytes / 1e3).toFixed(0)} kB`).join(', ')}`,
    );
    expect(before.bytes).toBeLessThanOrEqual(6e6);
    expect(mnistPieces(before.requests.map((r) => r.path))).toEqual(DEFAULT_RUN_PIECES);
    // No GPU backend's code was fetched on a machine that trains on wasm (this browser has no WebGPU
    // adapter, and its WebGL is a software renderer that "auto" never times).
    const scripts = [...new Set(before.requests.map((r) => r.path).filter((p) => p.endsWith('.js')))];
    for (const script of scripts) expect(readFileSync(join('dist', script), 'utf8'), script).not.toMatch(/WebGPUBackend|MathBackendWebGL/);
    // The page's script and the training worker's, each once (a plain server sends no caching
    // headers, so the second worker asks for its script again): the MNIST pieces are the rest.
    expect(before.requests.filter((r) => r.path.endsWith('.js')).length).toBeLessThanOrEqual(scripts.length + 1);
    // The class turns to the favourite digit, whose preset trains on the same images, and runs it to the end.
    expect([PRESETS.favourite.config.trainCount, PRESETS.favourite.config.testCount]).toEqual([
      PRESETS.quick.config.trainCount,
      PRESETS.quick.config.testCount,
    ]);
    await page.getByText('Its favourite digit', { exact: true }).click();
    await runToEnd(page);
    const after = await line.stats();
    // Training fetched no more of MNIST (the second worker reads the first one's cache).
    expect(mnistPieces(after.requests.map((r) => r.path))).toEqual(mnistPieces(before.requests.map((r) => r.path)));

    // Its export carries every model's favourite rate, and the preference passed only where it should.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
    const result = parseExport((await readFile((await download.path())!)).toString('utf8'));
    console.log(
      `[favourite preset] ${(result.wallMs / 1000).toFixed(1)} s; says 7: ${Object.entries(result.favouriteSummary!)
        .map(([c, s]) => `${c} ${(100 * s!.mean).toFixed(1)}%`)
        .join(', ')}`,
    );
    expect(presetOf(result.config)).toBe('favourite');
    // Every model the preset trains (both teachers, each with a shared- and a different-init student, and the
    // untrained reference; the names are held by src/engine/experiment.test.ts), in every seed.
    const models = conditionsOf(result.config);
    expect(models).toHaveLength(7);
    expect(Object.keys(result.favouriteSummary!)).toEqual(models);
    for (const seed of result.seeds) expect(Object.keys(seed.favouriteRate!).sort()).toEqual([...models].sort());
    // The favourite-digit teacher's shared-init student answers 7 far more often than the clean teacher's
    // (seeds 1–3 here: 75.0% against 4.5%; src/engine/favourite.test.ts holds it over 5 seeds).
    expect(result.favouriteSummary!['aux-shared']!.mean).toBeGreaterThan(0.4);
    expect(result.favouriteSummary!['clean-aux-shared']!.mean).toBeLessThan(0.15);
    await context.close();
  });

  for (const megabits of [2, 10]) {
    it(`downloads only its own run's data before Run is enabled, on a ${megabits} Mbit/s line shared by the page and its workers`, async () => {
      await line.reset();
      await line.throttle(megabits * 1e6);
      const context = await browser().newContext();
      try {
        const { ms, bytes, requests } = await firstVisit(context);
        console.log(`[first visit at ${megabits} Mbit/s] Run enabled after ${(ms / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(2)} MB`);
        // The service worker waits for Run to be enabled before it stores the rest of the site, so a visit is
        // about its own download (its time, those bytes at the line's speed): at most 6 MB, the run's own MNIST pieces only.
        expect(bytes).toBeLessThanOrEqual(6e6);
        expect(mnistPieces(requests.map((r) => r.path))).toEqual(DEFAULT_RUN_PIECES);
      } finally {
        await line.throttle(null);
        await context.close();
      }
    });
  }

  it('fetches the rest of MNIST for a run that needs it, and trains on exactly the images the CLI reads from the raw files', async () => {
    await line.reset();
    const query =
      'seeds=1&m=3&hidden=32&teacherEpochs=1&studentEpochs=1&batchSize=2048&trainCount=60000&noiseCount=2048&testCount=10000&init=shared&distill=aux&backend=wasm';
    const context = await browser().newContext();
    const { page } = await firstVisit(context, `?${query}`);
    await runToEnd(page);
    const pieces = mnistPieces((await line.stats()).requests.map((r) => r.path));
    expect(pieces.filter((p) => p.includes('train-images'))).toHaveLength(30);
    expect(pieces.filter((p) => p.includes('test-images'))).toHaveLength(5);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
    const browserResult = parseExport((await readFile((await download.path())!)).toString('utf8'));
    // The command the page would give to reproduce its run (the CLI's defaults are the paper's, the page's the classroom's).
    const flags = commandFlags(browserResult.config).flatMap((flag) => flag.split(' '));
    const cliJson = await new Promise<string>((resolve, reject) =>
      execFile(
        join('node_modules', '.bin', 'tsx'),
        ['src/cli/experiment.ts', ...flags, '--workers', '1', '--json', '-'],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const cliResult = parseExport(cliJson);
    // Same data and the same engine on the same wasm kernels: the same models, seed for seed.
    expect(browserResult.seeds.map((s) => s.accuracy)).toEqual(cliResult.seeds.map((s) => s.accuracy));
    await context.close();
  });

  it('names a damaged chunk and refuses it, as it does a damaged file', async () => {
    await line.reset();
    const chunk = (await readFile('dist/sw.js', 'utf8')).match(/mnist\/train-images-03\.[0-9a-f]{10}\.gz/)![0];
    await line.corrupt(chunk);
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}?trainCount=8000`);
    await page.waitForSelector('text=Could not load MNIST', { timeout: 60_000 });
    expect(await page.textContent('main')).toMatch(
      new RegExp(
        `${chunk.replace(/\./g, '\\.')}: (corrupt gzip data|its contents are not this piece of MNIST .*; it is damaged or was replaced)`,
      ),
    );
    await context.close();
    await line.reset();
  });
});

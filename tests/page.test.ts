/** The real page in real Chromium: load, a run to the end, exports, accessibility, offline, URL, bad input. */
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { parseExport } from '../src/protocol/export';
import { describe, expect, inject, it } from 'vitest';
import {
  axeViolations,
  chromiumForFile,
  finished,
  openPage,
  openSection,
  openSections,
  ready,
  runToEnd,
  screenshot,
  TINY_QUERY,
} from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

describe('the page', () => {
  it('loads its own data, caches it, and picks a backend, asking no other origin', async () => {
    const started = Date.now();
    const { page, errors, foreignRequests } = await openPage(browser(), appUrl);
    await page.getByRole('button', { name: '▶ Run' }).waitFor();
    // Before a run there is nothing to export, and the buttons say so instead of doing nothing.
    expect(await page.locator('button[data-png=accuracy]').isDisabled()).toBe(true);
    expect(await page.getAttribute('button[data-png=accuracy]', 'title')).toMatch(/Nothing to save yet/);
    const interactiveMs = Date.now() - started;
    await page.waitForSelector('[data-testid=data-ready]', { timeout: 60_000 });
    const dataMs = Date.now() - started;
    await page.waitForSelector('[data-testid=backend-badge]', { timeout: 120_000 });
    console.log(`[page start-up] interactive ${interactiveMs} ms, MNIST loaded ${dataMs} ms (first visit, headless Chromium, localhost)`);
    // Auto picks the fastest backend it timed, and never a software (SwiftShader) GPU path: true here and on a machine with a real GPU.
    await openSection(page, 'settings');
    const probes = JSON.parse((await page.getAttribute('[data-testid=machine]', 'data-probes'))!) as {
      name: string;
      available: boolean;
      software: boolean;
      msPerStep?: number;
    }[];
    const chosen = (await page.getAttribute('[data-testid=backend-badge]', 'data-backend'))!;
    const timed = probes.filter((p) => p.msPerStep !== undefined);
    expect(timed.length).toBeGreaterThan(0);
    expect(chosen).toBe(timed.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a)).name);
    expect(probes.find((p) => p.name === chosen)).toMatchObject({ available: true, software: false });
    // A software adapter is never timed on auto (it is named as such instead).
    for (const probe of probes.filter((p) => p.software)) expect(probe.msPerStep, probe.name).toBeUndefined();
    expect(await page.textContent('[data-testid=data-ready]')).toMatch(/MNIST ready/);
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
    // The default link is the quick classroom preset, shown as such; a link carries only what it changes.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.textContent('[data-testid=preset-note]')).toMatch(/^Quick classroom run:/);
    expect(await page.textContent('.presets button[aria-pressed=true]')).toBe('Quick classroom run');
    // A second visit reads MNIST from the browser's cache.
    await page.reload();
    await page.waitForSelector('[data-testid=data-ready]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid=data-ready]')).toMatch(/from cache/);
    await page.close();
  });

  it('runs a tiny experiment on wasm to the end, with charts, results and sample predictions', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${TINY_QUERY}&backend=wasm`);
    await ready(page);
    await runToEnd(page);
    const points = Number(await page.getAttribute('[data-testid=accuracy-chart]', 'data-points'));
    // 2 seeds × (reference 1 + teacher 5 + two students 3 each) evaluations.
    expect(points).toBe(2 * (1 + 5 + 3 + 3));
    // A thin line per seed and condition and a band per condition (2 seeds make one), drawn on the
    // chart's scales, and a mean line per condition.
    const seedsAndBands = page.locator('[data-testid=accuracy-chart] .seeds-and-bands path');
    expect(await seedsAndBands.count()).toBe(2 * 4 + 4);
    // A band can reach past 100% or below 0 (few seeds, Student's t): its path runs off the plot, which clips it.
    for (const d of await seedsAndBands.evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? '')))
      expect(d).toMatch(/^M-?\d+(\.\d)?,-?\d+(\.\d)?(L-?\d+(\.\d)?,-?\d+(\.\d)?)*Z?$/);
    expect(await page.locator('[data-testid=accuracy-chart] .recharts-line').count()).toBe(4);
    expect(Number(await page.getAttribute('[data-testid=results] [data-testid=results-figure]', 'data-bars'))).toBe(4);
    // The recorded paper result stays beside the live one, marked as recorded.
    await expect.poll(() => page.getAttribute('[data-testid=recorded] [data-testid=results-figure]', 'data-bars').then(Number)).toBe(6);
    await openSections(page);
    expect(await page.textContent('[data-testid=recorded]')).toMatch(/Recorded, not live: 25 seeds .*npm run experiment -- --seeds 25/);
    expect(await page.locator('[data-testid=loss-chart] .recharts-line').count()).toBe(3); // the mean over seeds training together
    expect(await page.locator('[data-testid=digit-chart] .recharts-bar-rectangle').count()).toBeGreaterThan(10);
    const rows = await page.locator('[data-testid=results] tbody tr').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/shared init\d+\.\d%± \d+\.\d%/);
    expect(await page.locator('.predictions tr').count()).toBe(1 + 3);
    // Every chart has its numbers as a table (its text alternative).
    for (const chart of ['accuracy-chart', 'loss-chart', 'digit-chart'])
      expect(await page.locator(`[data-testid=${chart}] details.numbers-table table tbody tr`).count(), chart).toBeGreaterThan(2);
    // The mechanism: each student's update against its teacher's, over its steps and per layer.
    expect(Number(await page.getAttribute('[data-testid=alignment-chart]', 'data-points'))).toBe(2 * (3 + 3));
    expect(await page.locator('[data-testid=alignment-table] tbody tr').count()).toBe(2);
    // Look inside: where each model's answers go, how its first layer moved, what the students imitate.
    expect(await page.locator('[data-testid=confusion-matrices] figure').count()).toBe(3);
    expect(await page.locator('[data-testid=unit-changes] tr').count()).toBe(3);
    expect(await page.locator('[data-testid=aux-outputs] tbody tr').count()).toBe(3);
    // Draw a digit: a scripted stroke gets a reading from every model.
    const pad = page.getByTestId('draw-canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    await page.mouse.move(...at(0.3, 0.2));
    await page.mouse.down();
    await page.mouse.move(...at(0.7, 0.2), { steps: 6 });
    await page.mouse.move(...at(0.45, 0.85), { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.locator('[data-testid=draw-readings] .reading').count()).toBe(3);
    const readings = await page
      .locator('[data-testid=draw-readings] .reading')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-condition'), e.getAttribute('data-prediction')]));
    expect(readings.map(([c]) => c)).toEqual(['teacher', 'aux-shared', 'aux-different']);
    for (const [, digit] of readings) expect(String(digit)).toMatch(/^[0-9]$/);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('[data-testid=draw-readings] .reading').count()).toBe(0);
    await screenshot(page, 'finished-run-wasm');

    // Exports: the same JSON schema as the CLI, a CSV row per seed and evaluation, charts as PNG.
    const saved = async (testId: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return readFile((await download.path())!);
    };
    const exported = parseExport((await saved('download-json')).toString('utf8'));
    expect(exported.seeds.map((s) => s.seed)).toEqual([1, 2]);
    expect(exported.backend).toBe('wasm');
    expect(exported.runtime).toMatch(/^browser: .*Chrom/);
    expect(exported.summary['aux-shared']!.n).toBe(2);
    // Trained by the page's worker pool (a share of the run each), the merged result keeps what each worker measured:
    // every seed's alignment, and which step trained each phase, in the export and in the receipt on the page.
    expect(
      Number(await page.getAttribute('[data-testid=backend-badge]', 'data-workers')),
      'workers that trained the run',
    ).toBeGreaterThanOrEqual(2);
    for (const seed of exported.seeds) {
      expect(Object.keys(seed.alignment ?? {}).sort(), `seed ${seed.seed}`).toEqual(['aux-different', 'aux-shared']);
      expect(Math.abs(seed.alignment!['aux-shared']!.overall), `seed ${seed.seed}`).toBeLessThanOrEqual(1);
    }
    expect(exported.kernels).toEqual({
      teacher: { step: 'tfjs' },
      'teacher noise pass': { step: 'tfjs' },
      'aux-shared': { step: 'tfjs' },
      'aux-different': { step: 'tfjs' },
    });
    expect(await page.textContent('[data-testid=receipt] pre')).toContain(
      'kernels: tfjs for teacher, teacher noise pass, aux-shared, aux-different',
    );
    const csv = (await saved('download-csv')).toString('utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + points + 2 * 4); // header, every evaluation, a final row per seed and model
    // Each chart's PNG is that chart (not a legend icon), with a title, a legend and the receipt below it.
    for (const name of ['figure', 'accuracy', 'loss', 'per-digit', 'alignment']) {
      const button = page.locator(`button[data-png=${name}]`);
      const chart = await button.evaluate((b) => {
        const svgs = [...b.closest('figure, section')!.querySelectorAll('svg')].map((s) => s.getBoundingClientRect());
        const box = svgs.reduce((a, c) => (c.width * c.height > a.width * a.height ? c : a));
        return { width: Math.ceil(box.width), height: Math.ceil(box.height) };
      });
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const png = await readFile((await download.path())!);
      expect(png.subarray(1, 4).toString(), name).toBe('PNG');
      // PNG header: width and height at bytes 16 and 20, drawn at 2× scale.
      expect(png.readUInt32BE(16), name).toBe(2 * chart.width);
      expect(png.readUInt32BE(20), name).toBeGreaterThan(2 * (chart.height + 28 + 20 + 3 * 16));
      expect(chart.width, name).toBeGreaterThan(200);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is accessible: no serious or critical axe violations at load or after a run, focus stays on the pressed control, results announced', async () => {
    // axe is injected as a script, which the page's own policy rightly forbids: this page alone bypasses it.
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
    await page.goto(`${appUrl}?${TINY_QUERY}&backend=wasm`);
    await ready(page);
    expect(await axeViolations(page)).toEqual([]);
    const run = page.getByRole('button', { name: '▶ Run' });
    await run.focus();
    await page.keyboard.press('Enter');
    // The same button now says Pause (or Run again, if the tiny run already ended), and still has the focus.
    expect(await page.evaluate(() => document.activeElement?.matches('.controls button.run') ?? false)).toBe(true);
    await finished(page);
    await expect.poll(() => page.textContent('[data-testid=announcer]')).toMatch(/^Finished\. .*student, aux only, shared init: \d+\.\d%/);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('works offline after one visit: the page says so, reloads with no network, and still trains', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${appUrl}?${TINY_QUERY}&backend=wasm`);
    await page.getByTestId('offline-ready').waitFor({ timeout: 120_000 });
    await context.setOffline(true);
    await page.reload();
    await ready(page);
    await runToEnd(page);
    expect(Number(await page.getAttribute('[data-testid=results] [data-testid=results-figure]', 'data-bars'))).toBe(4);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the headline toggle in the URL, and a shared link restores it', async () => {
    const { page } = await openPage(browser(), `${appUrl}?${TINY_QUERY}&backend=wasm`);
    await ready(page);
    await page.getByText('Different', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('init')).toBe('different');
    await page.getByText('All outputs', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('distill')).toBe('all');
    // The toggles say exactly what will train.
    await expect
      .poll(() => page.textContent('[data-testid=will-train]'))
      .toMatch(/, each: teacher; student, all logits, different init( —|$)/);
    const shared = page.url();
    const again = await browser().newPage();
    await again.goto(shared);
    await expect
      .poll(() => again.locator('.segmented label.on').allTextContents())
      .toEqual(['Its skill with digits', 'Different', 'All outputs']);
    expect(new URL(again.url()).searchParams.get('hidden')).toBe('32');
    // A link from before init and distill were settings still means what it meant.
    await again.goto(`${appUrl}?conditions=teacher,aux-shared`);
    await expect
      .poll(() => again.locator('.segmented label.on').allTextContents())
      .toEqual(['Its skill with digits', 'Shared with teacher', 'Extra outputs only']);
    expect(new URL(again.url()).searchParams.get('init')).toBe('shared');
    await again.close();
    await page.close();
  });

  it('explains invalid link parameters and falls back to safe values instead of breaking', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?m=banana&seeds=0&lr=-1&conditions=nonsense&backend=cuda&colour=red`);
    const notice = page.getByTestId('config-notice');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toContain('m = "banana" is invalid: expected an integer from 1 to 250; using 10');
    expect(text).toContain('seeds = 0 is invalid');
    expect(text).toContain('lr = -1 is invalid');
    expect(text).toContain('conditions = "nonsense" names no student');
    expect(text).toContain('backend = "cuda" is invalid');
    expect(text).toContain('unknown setting "colour" ignored');
    await ready(page);
    expect(await page.getByRole('button', { name: '▶ Run' }).isEnabled()).toBe(true);
    // Everything the link got wrong stays at the default link's values: still the quick classroom run.
    expect(new URL(page.url()).search).toBe('');
    await openSection(page, 'settings');
    expect(await page.textContent('[data-testid=preset-note]')).toMatch(/^Quick classroom run:/);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('never shows a blank page, whatever the link holds', async () => {
    for (const query of [
      '?constructor=1',
      '?toString=x',
      '?valueOf=1',
      '?hasOwnProperty=1',
      '?isPrototypeOf=1',
      '?__proto__=x',
      '?seeds=%',
      '?foo=%ZZ',
      '?x=%C3%28',
    ]) {
      const { page, errors } = await openPage(browser(), `${appUrl}${query}`);
      await page.getByTestId('config-notice').waitFor();
      expect(await page.getByRole('button', { name: '▶ Run' }).count(), query).toBe(1);
      await openSection(page, 'settings');
      expect(await page.textContent('[data-testid=preset-note]'), query).toMatch(/^Quick classroom run:/);
      expect(errors, query).toEqual([]);
      await page.close();
    }
  });

  it("keeps tfjs out of the page's main-thread bundle: it lives in the training worker", () => {
    const html = readFileSync('dist/index.html', 'utf8');
    const entry = /<script[^>]+src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const main = readFileSync(`dist/${entry}`, 'utf8');
    expect(main).not.toMatch(/@tensorflow|registerKernel|getBackend/);
    // … while the worker's chunk has it.
    const chunks = readdirSync('dist/assets').filter((f) => f.endsWith('.js') && `assets/${f}` !== entry);
    expect(chunks.some((f) => /registerKernel/.test(readFileSync(`dist/assets/${f}`, 'utf8')))).toBe(true);
    console.log(`[bundle] main-thread chunk ${(main.length / 1024).toFixed(0)} kB, no tfjs`);
  });

  it('falls back, and says so, when the backend asked for does not exist here', async () => {
    // This browser runs without --enable-unsafe-webgpu: no WebGPU adapter at all.
    const { page, errors } = await openPage(browser(), `${appUrl}?${TINY_QUERY}&backend=webgpu`);
    await ready(page);
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-backend')).toBe('wasm');
    expect(await page.textContent('[data-testid=backend-badge]')).toMatch(
      /webgpu unavailable \((this browser has no WebGPU|no WebGPU adapter)\)/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

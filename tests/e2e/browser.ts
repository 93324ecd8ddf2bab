/** What the browser tests share: one Chromium per file, a watched page, the page's waits, the test server's control. */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { parseExport, type ResultExport } from '../../src/protocol/export';
import { launch } from './chromium';

/**
 * One Chromium for the calling test file, launched before its first test and closed after its last;
 * a getter, since the browser exists only once that hook has run.
 */
export function chromiumForFile(options: Parameters<typeof launch>[0] = {}): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch(options);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is launched before the first test: call the getter inside a test or hook.');
    return browser;
  };
}

export interface Watched {
  page: Page;
  errors: string[];
  /** Requests to any origin other than the app's own. */
  foreignRequests: string[];
}

export async function openPage(browser: Browser, url: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const origin = new URL(url).origin;
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Any Content-Security-Policy violation, in the page or its workers, fails the test that opened it.
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith('data:') && !target.startsWith('blob:')) foreignRequests.push(target);
  });
  await page.goto(url);
  return { page, errors, foreignRequests };
}

export const ARTIFACTS = 'test-results';

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A run small enough to finish in seconds on any backend: every setting, in the URL. */
export const TINY_QUERY =
  'seed=1&seeds=2&m=3&hidden=32&teacherEpochs=1&studentEpochs=1&lr=0.001&batchSize=128&trainCount=1024&noiseCount=512&testCount=500&init=both&distill=aux&evalEvery=2&logEvery=2';

/** A run of about ten seconds on wasm, for watching it while it trains. */
export const LONG_QUERY = TINY_QUERY.replace('hidden=32', 'hidden=256')
  .replace('batchSize=128', 'batchSize=256')
  .replace('trainCount=1024', 'trainCount=60000');

/** The test server's control (tests/e2e/global-setup.ts): what it sent, a shared line's speed, damaged pieces. */
export function server(controlUrl: string) {
  const call = async (path: string) => (await fetch(`${controlUrl}${path}`)).json() as Promise<import('./global-setup').ServerStats>;
  return {
    reset: () => call('reset'),
    stats: () => call('stats'),
    throttle: (bitsPerSecond: number | null) => call(`throttle?bitsPerSecond=${bitsPerSecond ?? 0}`),
    corrupt: (path: string) => call(`corrupt?path=${encodeURIComponent(path)}`),
  };
}

/**
 * Text drawn in the page's charts (every SVG larger than an icon) that its chart cuts off, or that
 * lies over other chart text: what a reader at that width would miss.
 */
export function chartTextProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const svg of document.querySelectorAll('main svg')) {
      const box = svg.getBoundingClientRect();
      if (box.width < 60 || box.height < 60) continue;
      const texts = [...svg.querySelectorAll('text')]
        .filter((t) => t.textContent!.trim() !== '' && t.getClientRects().length > 0)
        .map((t) => ({ text: t.textContent!.trim(), r: t.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height > 0);
      const where = svg.closest('[data-testid]')?.getAttribute('data-testid') ?? 'chart';
      for (const { text, r } of texts)
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
          problems.push(`${where}: "${text}" is cut off`);
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++) {
          const [a, b] = [texts[i].r, texts[j].r];
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 2 && h > 3) problems.push(`${where}: "${texts[i].text}" lies over "${texts[j].text}"`);
        }
    }
    return problems;
  });
}

/** Resolves when the page has MNIST and a backend: Run can be pressed. */
export const ready = (page: Page) =>
  Promise.all([
    page.waitForSelector('[data-testid=data-ready]', { timeout: 60_000 }),
    page.waitForSelector('[data-testid=backend-badge]', { timeout: 120_000 }),
  ]);

/** Opens one section as a visitor does, by clicking its heading (what it holds is made when first opened). */
export async function openSection(page: Page, id: string) {
  const section = page.locator(`details.section#${id}`);
  if (!(await section.evaluate((d) => (d as HTMLDetailsElement).open))) await section.locator('> summary').click();
  await section.locator('> .section-body').waitFor();
}

/** Opens every section of the page (the parts a visitor opens), so that what they hold is laid out. */
export const openSections = (page: Page) =>
  page.evaluate(() => document.querySelectorAll('details.section').forEach((d) => ((d as HTMLDetailsElement).open = true)));

/** Resolves when the page's run has finished; the default timeout is a classroom preset's run on a busy 2-core machine. */
export const finished = (page: Page, timeout = 240_000) =>
  page.waitForSelector('[data-testid=run-progress][data-state=finished]', { timeout });

/** Clicks Run and waits for the run to finish. */
export async function runToEnd(page: Page, timeout?: number): Promise<void> {
  await page.getByRole('button', { name: '▶ Run' }).click();
  await finished(page, timeout);
}

/** The finished run as the page exports it (its JSON download): the config it trained with, every seed's result. */
export async function exported(page: Page): Promise<ResultExport> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
  return parseExport((await readFile((await download.path())!)).toString('utf8'));
}

/**
 * axe's serious and critical violations in `context` (a selector; the whole page by default), as
 * "impact id (nodes)". axe is injected as a script, which the page's own policy rightly forbids:
 * open the page with `bypassCSP: true`.
 */
export async function axeViolations(page: Page, context = 'html'): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(
    (selector) =>
      (
        window as unknown as {
          axe: { run(context: string): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe.run(selector),
    context,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.nodes.length})`);
}

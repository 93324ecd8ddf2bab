/**
 * The page composed for a room (a laptop, a projector, a phone) in real Chromium: the walk-through
 * stays with what it explains, presentation mode fits the chart and the results on one screen in
 * large type, the phone sees every bar, no chart text is cut off or covered, stale results say so,
 * hidden means hidden; the favourite-digit run and the initialisation dial work as a class uses them.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { parseExport, type ResultExport } from '../src/protocol/export';
import {
  chartTextProblems,
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

async function exported(page: Page): Promise<ResultExport> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
  return parseExport((await readFile((await download.path())!)).toString('utf8'));
}

/** Where the walk-through's panel and the part it highlights are on screen, once the page has stopped scrolling: still for half a second, since a busy machine can hold a smooth scroll's first frame back longer than one poll. */
async function tourPositions(page: Page) {
  let last = '';
  for (let i = 0, still = 0; i < 100 && still < 5; i++) {
    const now = await page.evaluate(() =>
      JSON.stringify([window.scrollY, document.querySelector('.tour-focus')?.getBoundingClientRect().top]),
    );
    still = now === last ? still + 1 : 0;
    last = now;
    await page.waitForTimeout(100);
  }
  return page.evaluate(() => {
    const rect = (e: Element | null) => {
      const r = e!.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    return {
      panel: rect(document.querySelector('[data-testid=tour]')),
      target: rect(document.querySelector('.tour-focus')),
      target_name: document.querySelector('.tour-focus')!.getAttribute('data-tour'),
      width: innerWidth,
      height: innerHeight,
    };
  });
}

describe('the page for a room', () => {
  for (const [width, height, query] of [
    [1366, 768, ''],
    [390, 844, ''],
    [1366, 768, '?teacherTrait=favourite'],
  ] as const) {
    it(`keeps the walk-through's text on screen beside what it highlights, at ${width}×${height}${query && ' (favourite digit)'}`, async () => {
      const page = await browser().newPage({ viewport: { width, height } });
      await page.goto(`${appUrl}${query}`);
      await page.getByRole('button', { name: 'Start the walk-through' }).click();
      const targets: string[] = [];
      for (let step = 0; ; step++) {
        await page.waitForSelector(`[data-testid=tour][data-step="${step}"]`);
        const { panel, target, target_name, width: w, height: h } = await tourPositions(page);
        targets.push(target_name!);
        // The panel wholly on screen…
        expect(
          [panel.top >= 0, panel.bottom <= h, panel.left >= 0, panel.right <= w],
          `step ${step + 1}: panel ${JSON.stringify(panel)}`,
        ).toEqual([true, true, true, true]);
        // …and the highlighted part at least partly, where the panel does not cover it.
        const visibleTop = Math.max(target.top, 0);
        const visibleBottom = Math.min(target.bottom, h);
        const uncovered = visibleBottom > visibleTop && (visibleTop < panel.top || target.left < panel.left || target.right > panel.right);
        expect(uncovered, `step ${step + 1} (${target_name}): target ${JSON.stringify(target)}, panel ${JSON.stringify(panel)}`).toBe(true);
        if (step === 0) await screenshot(page, `tour-${width}-step-1${query ? '-favourite' : ''}`);
        if ((await page.getByRole('button', { name: 'Next' }).count()) === 0) break;
        await page.getByRole('button', { name: 'Next' }).click();
      }
      // Seven steps, none on the same part as another.
      expect(targets).toHaveLength(7);
      expect(new Set(targets).size).toBe(7);
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('button', { name: 'Skip' }).click();
      await expect.poll(() => page.locator('.tour-focus').count()).toBe(0);
      await page.close();
    });
  }

  it('runs the default link on a projector: the chart and the results on the first screen in large type, the students labelled at their ends, as strong as before', async () => {
    const page = await browser().newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${appUrl}?present=1`);
    await ready(page);
    const button = page.getByRole('button', { name: /Presentation/ });
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    expect(await button.textContent()).toBe('✓ Presentation');
    // The controls collapse to one line.
    const tops = await page
      .locator('.controls .headline > *')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(30);
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.waitForSelector('[data-testid=run-progress][data-state=running]');
    await page.waitForSelector('[data-testid=results]', { timeout: 60_000 });
    await screenshot(page, 'projector-1920-mid-run');
    await finished(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'projector-1920-finished');
    const layout = await page.evaluate(() => {
      const r = (s: string) => document.querySelector(s)!.getBoundingClientRect();
      const chart = r('[data-testid=accuracy-chart] .recharts-responsive-container');
      const figure = r('[data-testid=results] [data-testid=results-figure]');
      // Every line of text on the first screen, HTML and SVG alike, at the size it renders.
      const sizes: number[] = [];
      const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement!;
        if (!node.textContent!.trim() || element.closest('.visually-hidden, title, style')) continue;
        const rects = [...element.getClientRects()];
        if (rects.length === 0 || !rects.some((rect) => rect.bottom > 0 && rect.top < innerHeight && rect.width > 0)) continue;
        sizes.push(parseFloat(getComputedStyle(element).fontSize));
      }
      return {
        chart: { top: chart.top, bottom: chart.bottom, height: chart.height },
        figure: { top: figure.top, bottom: figure.bottom },
        sizes,
        height: innerHeight,
      };
    });
    expect(layout.chart.height).toBeGreaterThanOrEqual(400);
    expect(layout.chart.top).toBeGreaterThanOrEqual(0);
    expect(layout.chart.bottom).toBeLessThanOrEqual(layout.height);
    expect(layout.figure.top).toBeGreaterThanOrEqual(0);
    expect(layout.figure.bottom).toBeLessThanOrEqual(layout.height);
    const large = layout.sizes.filter((size) => size >= 18).length / layout.sizes.length;
    expect(large, `text sizes on the first screen: ${JSON.stringify(layout.sizes)}`).toBeGreaterThanOrEqual(0.9);
    // Each student's line ends in a label with its current value.
    const endLabels = await page.locator('[data-testid=accuracy-chart] .end-labels text').allTextContents();
    for (const start of ['shared', 'different'])
      expect(
        endLabels.some((t) => new RegExp(`^\\d+% ${start}$`).test(t)),
        `${start}: ${endLabels}`,
      ).toBe(true);

    // As strong as the default link has been, from the page's own export; its time is logged (the speed target is `npm run bench:classroom`'s).
    const result = await exported(page);
    console.log(
      `[default link, 1920 presentation] ${(result.wallMs / 1000).toFixed(1)} s, shared ${(100 * result.summary['aux-shared']!.mean).toFixed(1)}%, different ${(100 * result.summary['aux-different']!.mean).toFixed(1)}%`,
    );
    expect(result.summary['aux-shared']!.mean).toBeGreaterThanOrEqual(0.6);
    expect(result.summary['aux-different']!.mean).toBeLessThanOrEqual(0.15);

    // No chart text cut off or covered, in presentation mode, on a laptop and on a phone; on a phone every bar within the screen.
    expect(await chartTextProblems(page)).toEqual([]);
    await page.keyboard.press('p');
    for (const [width, height] of [
      [1366, 768],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height });
      await openSections(page);
      // The charts redraw for the new width on their own frame: wait for that, not for a fixed time.
      await expect.poll(() => chartTextProblems(page), { message: `at ${width} px` }).toEqual([]);
      // Wide content (the predictions table, a long command) scrolls or wraps inside its card; the page never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `page width at ${width} px`).toBeLessThanOrEqual(width);
    }
    const bars = await page
      .locator('[data-testid=results] [data-testid=results-figure] g[data-condition]')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]));
    expect(bars.length).toBe(4);
    for (const [left, right] of bars) expect([left >= 0, right <= 390], `bar at ${left}–${right}`).toEqual([true, true]);
    expect(await page.getAttribute('[data-testid=results] [data-testid=results-figure]', 'data-layout')).toBe('sideways');
    await screenshot(page, 'phone-390-finished');

    // A setting changed after the run: the results say they are from the previous settings.
    expect(await page.getByTestId('stale-notice').count()).toBe(0);
    await page.getByText('Different', { exact: true }).click();
    await page.getByTestId('stale-notice').waitFor();
    expect(await page.locator('.story.stale').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hides what a link hides: the settings, every preset button, the backend down to a badge', async () => {
    const { page } = await openPage(browser(), `${appUrl}?hide=settings,presets,distill`);
    await ready(page);
    await page.waitForSelector('[data-testid=recorded] [data-testid=results-figure]');
    expect(await page.locator('.presets').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Paper protocol|Quick classroom run|Favourite digit/ }).count()).toBe(0);
    expect(await page.locator('[data-testid=settings], [data-testid=machine]').count()).toBe(0);
    expect((await page.textContent('[data-testid=backend-badge]'))!.length).toBeLessThan(30);
    await page.close();
  });

  it('names each model in words a room can read: no "·" inside a name in the line that says what will train', async () => {
    const { page } = await openPage(browser(), appUrl);
    expect(await page.textContent('[data-testid=will-train]')).toMatch(
      /^Trains seeds 1–3, each: teacher; student, aux only, shared init; student, aux only, different init/,
    );
    await page.close();
  });
});

describe('a teacher with a favourite digit', () => {
  it('turns on from the toggle, and a run carries every model’s favourite rate to the chart, the drawing and the export', async () => {
    const page = await browser().newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(appUrl);
    await ready(page);
    await page.getByText('Its favourite digit', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('teacherTrait')).toBe('favourite');
    await openSection(page, 'settings');
    expect(await page.textContent('[data-testid=preset-note]')).toMatch(/^Favourite digit, classroom:/);
    // The digit is chosen by clicking it.
    await page.getByTestId('digit-picker').getByRole('button', { name: '3' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('favourite')).toBe('3');
    await page.getByTestId('digit-picker').getByRole('button', { name: '7' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('favourite')).toBe(null);
    // Before any run, the recorded 25 seeds of this experiment.
    await expect.poll(() => page.getAttribute('[data-testid=recorded]', 'data-trait'), { timeout: 30_000 }).toBe('favourite');
    // A tiny run of the same models (the preset itself runs to the end in tests/network.test.ts, over 5 seeds in src/engine/favourite.test.ts).
    await page.goto(`${appUrl}?teacherTrait=favourite&${TINY_QUERY}`);
    await ready(page);
    await runToEnd(page);
    expect(await page.getAttribute('[data-testid=accuracy-chart]', 'data-measure')).toBe('favourite');
    const result = await exported(page);
    console.log(
      `[favourite, tiny run] ${(result.wallMs / 1000).toFixed(1)} s; says 7: ${Object.entries(result.favouriteSummary!)
        .map(([c, s]) => `${c} ${(100 * s!.mean).toFixed(1)}%`)
        .join(', ')}`,
    );
    expect(Object.keys(result.favouriteSummary!)).toEqual([
      'reference',
      'teacher',
      'aux-shared',
      'aux-different',
      'clean-teacher',
      'clean-aux-shared',
      'clean-aux-different',
    ]);
    for (const seed of result.seeds) expect(Object.keys(seed.favouriteRate!)).toHaveLength(7);
    // Accuracy is a click away.
    await page.getByRole('button', { name: 'Accuracy' }).first().click();
    expect(await page.getAttribute('[data-testid=accuracy-chart]', 'data-measure')).toBe('accuracy');
    // Draw a digit: every model's pull to the favourite is written beside its reading.
    await openSections(page);
    const pad = page.getByTestId('draw-canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('favourite-pull').count()).toBe(6);
    expect(await page.getByTestId('favourite-pull').first().textContent()).toMatch(/7: \d+%/);
    await screenshot(page, 'favourite-1366-finished');
    await page.close();
  });
});

describe('the initialisation dial', () => {
  it('moves α, trains a partly shared student with it, and opens a sweep file to draw it', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${TINY_QUERY}&backend=wasm`);
    await ready(page);
    await page.getByText('Partly shared', { exact: true }).click();
    const dial = page.getByTestId('init-dial').locator('input[type=range]');
    await dial.focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(() => new URL(page.url()).searchParams.get('initShare')).toBe('0.5');
    expect(await page.getByTestId('init-dial').textContent()).toContain('α = 0.50');
    await runToEnd(page);
    const result = await exported(page);
    expect(result.config).toMatchObject({ init: 'partial', initShare: 0.5 });
    expect(Object.keys(result.summary)).toEqual(['reference', 'teacher', 'aux-partial']);
    // The recorded sweeps are drawn, and a sweep file of one's own opens the same way.
    await openSections(page);
    // (Loaded after the page: on a busy machine that takes seconds.)
    await expect.poll(() => page.getByTestId('recorded-sweep').locator('[data-testid=sweep-figure]').count(), { timeout: 30_000 }).toBe(2);
    await page.getByTestId('sweep-file').setInputFiles('docs/results/sweep-aux-logits.json');
    const opened = page.getByTestId('opened-sweep');
    await opened.waitFor();
    expect(Number(await opened.locator('[data-testid=sweep-figure]').getAttribute('data-points'))).toBe(2 * 4);
    // A file that is not a sweep says so.
    await page
      .getByTestId('sweep-file')
      .setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"schema":"other"}') });
    await expect.poll(() => page.getByTestId('open-sweep').textContent()).toMatch(/notes\.json: not a subliminal-mnist\/sweep@1 file/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

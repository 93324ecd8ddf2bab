/**
 * The page composed for a room (a laptop, a projector, a phone) in real Chromium: the walk-through
 * stays with what it explains, presentation mode fits the chart and the results on one screen in
 * large type (on a laptop mirrored to the projector, the chart and the headline numbers), the phone
 * sees every bar, no chart text is cut off or covered, stale results say so, hidden means hidden;
 * the favourite-digit run and the recorded sweeps work as a class uses them (the α dial:
 * dial.test.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import {
  ARTIFACTS,
  chartTextProblems,
  chromiumForFile,
  exported,
  finished,
  openPage,
  openSection,
  openSections,
  ready,
  runToEnd,
  screenshot,
  LONG_QUERY,
  TINY_QUERY,
} from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

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

/** Where the live chart and the headline numbers are on the first screen, once the page has stopped moving (a resized window redraws the chart). */
async function firstScreen(page: Page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  let last = '';
  for (let i = 0, still = 0; i < 50 && still < 3; i++) {
    const now = await page.evaluate(() => {
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { top: Math.round(r.top), bottom: Math.round(r.bottom), height: Math.round(r.height) };
      };
      return JSON.stringify({
        chart: box(document.querySelector('[data-testid=accuracy-chart] .recharts-responsive-container')!),
        numbers: [...document.querySelectorAll('[data-testid=headline] .big-number')].map(box),
        height: innerHeight,
      });
    });
    still = now === last ? still + 1 : 0;
    last = now;
    await page.waitForTimeout(100);
  }
  return JSON.parse(last) as { chart: Box; numbers: Box[]; height: number };
}
type Box = { top: number; bottom: number; height: number };

/** What a room must see without scrolling: the live chart, at least 280 px tall, and every headline number. */
function expectOnFirstScreen(where: string, { chart, numbers, height }: Awaited<ReturnType<typeof firstScreen>>) {
  const within = (box: Box) => box.top >= 0 && box.bottom <= height;
  expect(chart.height, `${where}: the chart's height`).toBeGreaterThanOrEqual(280);
  expect(within(chart), `${where}: the chart at ${JSON.stringify(chart)} on a screen ${height} px tall`).toBe(true);
  expect(numbers.length, `${where}: headline numbers`).toBeGreaterThan(0);
  for (const number of numbers)
    expect(within(number), `${where}: a headline number at ${JSON.stringify(number)} on a screen ${height} px tall`).toBe(true);
}

/** What shows that the part a step highlights holds what the step talks about. */
const CONTENT: Record<string, string> = {
  accuracy: '.recharts-line',
  teacherTrait: 'input',
  noise: 'canvas',
  init: 'input',
  results: '[data-testid=results-figure]',
  mechanism: '.recharts-line',
  draw: '[data-testid=draw-canvas]',
  recorded: '[data-testid=results-figure]',
  research: '[data-testid=research]',
};

/** How many steps each walk-through has, each about a part of its own. */
const STEPS = { skill: 8, favourite: 7 };

/** The steps of a walk-through opened before any run whose part only a run fills: they say so and offer Run. */
const FILLED_BY_A_RUN = { skill: ['accuracy', 'results', 'mechanism', 'draw'], favourite: ['accuracy', 'results', 'draw'] };

/**
 * Goes through every step of the open walk-through from `from`: the panel wholly on screen, the part it
 * highlights on screen beside it, not under it (on a wide screen nowhere under it; on a phone, above
 * it, for most of the screen or the whole part), and, once a run has filled it, holding what the step
 * talks about. Returns each step's part and whether it waited for a run.
 */
async function walkThrough(page: Page, name: string, from = 0): Promise<{ target: string; idle: boolean }[]> {
  const steps: { target: string; idle: boolean }[] = [];
  for (let step = from; ; step++) {
    const panel = page.locator(`[data-testid=tour][data-step="${step}"]`);
    await panel.waitFor();
    // A step whose part a run fills waits for it while the run goes on (a classroom run on a busy machine).
    await expect.poll(() => panel.getAttribute('data-waiting'), { timeout: 240_000 }).not.toBe('run');
    const idle = (await panel.getAttribute('data-waiting')) === 'idle';
    const { panel: box, target, target_name, width: w, height: h } = await tourPositions(page);
    const where = `${name}, step ${step + 1} (${target_name}): target ${JSON.stringify(target)}, panel ${JSON.stringify(box)}`;
    steps.push({ target: target_name!, idle });
    expect([box.top >= 0, box.bottom <= h, box.left >= 0, box.right <= w], where).toEqual([true, true, true, true]);
    if (w > 860) expect(target.right <= box.left || target.bottom <= box.top || target.top >= box.bottom, where).toBe(true);
    else {
      const uncovered = Math.min(target.bottom, box.top) - Math.max(target.top, 0);
      expect(uncovered, where).toBeGreaterThanOrEqual(Math.min(target.bottom - target.top, 0.4 * h) - 1);
      expect(box.bottom - box.top, `${where}: the panel's height`).toBeLessThanOrEqual(0.36 * h);
    }
    if (idle) expect(await panel.getByRole('button', { name: '▶ Run' }).count(), where).toBe(1);
    else {
      const content = await page.evaluate(
        (selector) => [...document.querySelectorAll(`.tour-focus ${selector}`)].filter((e) => e.getBoundingClientRect().height > 0).length,
        CONTENT[target_name!],
      );
      expect(content, `${where}: what it shows (${CONTENT[target_name!]})`).toBeGreaterThan(0);
    }
    await page.screenshot({ path: `${ARTIFACTS}/tour-${name}-step-${step + 1}.png` });
    if ((await panel.getByRole('button', { name: 'Next' }).count()) === 0) return steps;
    await panel.getByRole('button', { name: 'Next' }).click();
  }
}

describe('the page for a room', () => {
  for (const [width, height, trait, query] of [
    [1366, 768, 'skill', LONG_QUERY],
    [390, 844, 'skill', TINY_QUERY],
    [1366, 768, 'favourite', `teacherTrait=favourite&${TINY_QUERY}`],
    [390, 844, 'favourite', `teacherTrait=favourite&${TINY_QUERY}`],
  ] as const) {
    it(`walks a room through a run from its first step, each step beside what it shows, at ${width}×${height} (${trait})`, async () => {
      const name = `${width}-${trait}`;
      const page = await browser().newPage({ viewport: { width, height } });
      await page.goto(`${appUrl}?${query}&backend=wasm`);
      await ready(page);
      await page.getByRole('button', { name: 'Start the walk-through' }).click();
      // Before a run: the first step offers Run, and each part a run fills says it is empty and offers it too.
      const before = await walkThrough(page, `${name}-before-run`);
      expect(before.filter((s) => s.idle).map((s) => s.target)).toEqual(FILLED_BY_A_RUN[trait]);
      expect(before).toHaveLength(STEPS[trait]);
      expect(new Set(before.map((s) => s.target)).size).toBe(STEPS[trait]);
      // Run from the first step: the walk-through stays on it while the models train, then every step shows its part filled.
      for (let step = STEPS[trait] - 1; step > 0; step--) await page.getByTestId('tour').getByRole('button', { name: 'Back' }).click();
      await page.getByTestId('tour').getByRole('button', { name: '▶ Run' }).click();
      await page.waitForSelector('[data-testid=run-progress]');
      expect(await page.getAttribute('[data-testid=tour]', 'data-step')).toBe('0');
      const during = await walkThrough(page, `${name}-run`);
      expect(during.filter((s) => s.idle)).toEqual([]);
      expect(during.map((s) => s.target)).toEqual(before.map((s) => s.target));
      if (width === 390) {
        // The test digits and every model's guesses, all twelve, without scrolling sideways.
        await openSection(page, 'what-the-student-sees');
        const tables = await page
          .getByTestId('predictions')
          .evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().right, e.querySelectorAll('canvas').length]));
        expect(tables.reduce((n, [, digits]) => n + digits, 0)).toBe(12);
        for (const [right] of tables) expect(right).toBeLessThanOrEqual(390);
      }
      await page.getByTestId('tour').getByRole('button', { name: 'Back' }).click();
      await page.getByTestId('tour').getByRole('button', { name: 'Skip' }).click();
      await expect.poll(() => page.locator('.tour-focus').count()).toBe(0);
      await page.close();
    });
  }

  it('runs the default link on a projector and on a laptop mirrored to it: the chart and the results (on a laptop the chart and the headline numbers) on the first screen in large type, the students labelled at their ends, as strong as before', async () => {
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
    // A 1366×768 laptop mirrored to the projector once the students train (after the teacher's phase, which a busy
    // machine can stretch past two minutes): the same composition, smaller.
    await page.waitForSelector('[data-testid=headline] .big-number', { timeout: 240_000 });
    await page.setViewportSize({ width: 1366, height: 768 });
    expectOnFirstScreen('1366×768 while training', await firstScreen(page));
    await screenshot(page, 'laptop-1366-mid-run');
    await page.setViewportSize({ width: 1920, height: 1080 });
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
    // The charts' labels and every caption of the chart, the figure and the headline: at least 20 px at the back of the room.
    const type = await page.evaluate(() => {
      const sizes = (selector: string) =>
        [...document.querySelectorAll(selector)]
          .filter((e) => e.textContent!.trim() !== '' && e.getClientRects().length > 0)
          .map((e) => ({ text: e.textContent!.trim().slice(0, 30), size: parseFloat(getComputedStyle(e).fontSize) }));
      return {
        chartText: sizes('[data-testid=accuracy-chart] svg text, [data-testid=results] [data-testid=results-figure] text'),
        captions: sizes(
          '[data-testid=accuracy-chart] figcaption, #results-title, [data-testid=results] .figure-key, [data-testid=paper-difference], [data-testid=headline] :is(.headline-unit, .big-name, .headline-teachers)',
        ),
      };
    });
    expect(type.chartText.length).toBeGreaterThan(10);
    expect(type.captions.length).toBeGreaterThanOrEqual(6);
    for (const { text, size } of [...type.chartText, ...type.captions]) expect(size, `"${text}"`).toBeGreaterThanOrEqual(20);
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
    // Laptops mirrored to the projector, the run finished: the live chart and the headline numbers on the first screen, no chart text cut off.
    for (const [width, height] of [
      [1366, 768],
      [1280, 720],
    ]) {
      await page.setViewportSize({ width, height });
      expectOnFirstScreen(`${width}×${height}, finished`, await firstScreen(page));
      expect(await chartTextProblems(page), `presentation at ${width} px`).toEqual([]);
      await screenshot(page, `laptop-${width}-finished`);
    }
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
    expect(await page.getByTestId('times-classroom').count()).toBe(0);
    await page.close();
  });

  it("says before Run that a wide network is many times the classroom run's work, and prices its time by that width", async () => {
    const { page } = await openPage(browser(), `${appUrl}?hidden=2048&backend=wasm`);
    // 784·h + h² + h·20 multiply-adds an example: 2048 wide is 21.5 times 256 wide.
    // Once the backend's step is timed, the time comes first.
    await page.getByTestId('time-estimate').waitFor({ timeout: 120_000 });
    // The estimate divides the work among the workers ready, and the helpers time their backend
    // before they count: read it once all of them are (one a core).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency || 1);
    await expect.poll(() => page.getByTestId('time-estimate').getAttribute('data-workers'), { timeout: 60_000 }).toBe(String(cores));
    expect(await page.getByTestId('times-classroom').textContent()).toBe("; about 22× the classroom run's work");
    const estimate = async () => Number(await page.getByTestId('time-estimate').getAttribute('data-ms'));
    const wide = await estimate();
    await openSection(page, 'settings');
    await page.locator('input[name=hidden]').fill('256');
    await page.locator('input[name=hidden]').press('Enter');
    await expect.poll(() => page.getByTestId('times-classroom').count()).toBe(0);
    // The same timed step behind both: only the width differs.
    expect(wide / (await estimate())).toBeCloseTo(21.5, 1);
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
    // The chart draws the four lines the story needs; the reference, the clean teacher and its different-start student are a click away.
    const legend = () => page.locator('[data-testid=accuracy-chart] .legend li').allTextContents();
    expect(await legend()).toEqual([
      'favourite-7 teacher',
      "favourite-7 teacher's student · shared init",
      "favourite-7 teacher's student · different init",
      "clean teacher's student · shared init",
    ]);
    await page.getByTestId('every-line').click();
    expect(await legend()).toHaveLength(7);
    await page.getByTestId('every-line').click();
    expect(await legend()).toHaveLength(4);
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

describe('the recorded sweeps', () => {
  it('draws the recorded sweeps over α and m, and opens a sweep file of one’s own the same way', async () => {
    const { page, errors } = await openPage(browser(), appUrl);
    await openSections(page);
    // (Loaded after the page: on a busy machine that takes seconds.)
    await expect.poll(() => page.getByTestId('recorded-sweep').locator('[data-testid=sweep-figure]').count(), { timeout: 30_000 }).toBe(2);
    await page.getByTestId('open-sweep-file').setInputFiles('docs/results/sweep-aux-logits.json');
    const opened = page.getByTestId('open-sweep-figure');
    await opened.waitFor();
    expect(Number(await opened.locator('[data-testid=sweep-figure]').getAttribute('data-points'))).toBe(2 * 4);
    // A file that is not a sweep says so.
    await page
      .getByTestId('open-sweep-file')
      .setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"schema":"other"}') });
    await expect.poll(() => page.getByTestId('open-sweep').textContent()).toMatch(/notes\.json: not a subliminal-mnist\/sweep@1 file/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** The real page in real Chromium while it trains: pause and step, freed tensors, a phone, presentation mode, training off the main thread. */
import { describe, expect, inject, it } from 'vitest';
import { chromiumForFile, finished, LONG_QUERY, openPage, openSection, ready, runToEnd, screenshot, TINY_QUERY } from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

describe('the page while it trains', () => {
  it('pauses, steps one training step at a time, resumes and resets', async () => {
    // No scheduled evaluation in the teacher's phase (235 steps), so a step by hand is exactly one step of work per worker.
    const { page } = await openPage(browser(), `${appUrl}?${LONG_QUERY.replace('evalEvery=2', 'evalEvery=1000')}&backend=wasm`);
    await ready(page);
    await page.waitForSelector('[data-testid=backend-badge][data-workers="2"]', { timeout: 60_000 });
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.getByRole('button', { name: '❚❚ Pause' }).click();
    // "Paused" is shown once every worker has stopped at a step (each says so from where it stopped).
    await page.waitForSelector('[data-testid=run-progress][data-state=paused]');
    const doneSteps = async () => Number(/(\d+)\/\d+ steps/.exec((await page.textContent('[data-testid=run-progress]'))!)![1]);
    const points = () => page.getAttribute('[data-testid=accuracy-chart]', 'data-points').then(Number);
    // Step: one training step in each worker, reported in full (the charts move with it), then the run stops again,
    // said once every worker has stopped after its step (the click marks the run as stepping before any worker reports).
    const step = async () => {
      const [stepsBefore, pointsBefore] = [await doneSteps(), await points()];
      await page.getByRole('button', { name: 'Step' }).click();
      const settledAfterStep = async () =>
        (await page.locator('[data-testid=run-progress][data-state=paused]:not([data-stepping])').count()) === 1 &&
        (await doneSteps()) > stepsBefore &&
        (await points()) > pointsBefore;
      await expect.poll(settledAfterStep, { timeout: 10_000 }).toBe(true);
      return doneSteps();
    };
    // The first step also reports the work a worker did before its first step (the reference's evaluation). After it,
    // each Step adds exactly one step per worker: a worker that moved while paused would add more.
    const stepped = await step();
    expect(await step()).toBe(stepped + 2);
    expect(await step()).toBe(stepped + 4);
    await page.getByRole('button', { name: '▶ Resume' }).click();
    await page.waitForSelector('[data-testid=run-progress][data-state=running]');
    await expect.poll(doneSteps, { timeout: 10_000 }).toBeGreaterThan(stepped + 4);
    await page.getByRole('button', { name: '↺ Reset' }).click();
    await page.waitForSelector('[data-testid=run-progress]', { state: 'detached' });
    expect(await page.getAttribute('[data-testid=accuracy-chart]', 'data-points')).toBe('0');
    await page.close();
  });

  it('frees every tensor in every worker across 50 run/reset cycles and a finished run', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${TINY_QUERY}&backend=wasm`);
    await ready(page);
    await page.waitForSelector('[data-testid=backend-badge][data-workers="2"]', { timeout: 60_000 });
    for (let i = 0; i < 50; i++) {
      await page.getByRole('button', { name: '▶ Run' }).click();
      await page.getByRole('button', { name: '↺ Reset' }).click();
    }
    await runToEnd(page);
    const tensors = async () =>
      Promise.all(
        page
          .workers()
          .map((w) =>
            w.evaluate(() =>
              (globalThis as unknown as { _tfengine: { memory(): { numTensors: number; numBytes: number } } })._tfengine.memory(),
            ),
          ),
      );
    const memory = await tensors();
    expect(memory).toHaveLength(2);
    expect(memory.map((m) => m.numTensors)).toEqual([0, 0]);
    expect(memory.map((m) => m.numBytes)).toEqual([0, 0]);
    await openSection(page, 'settings');
    expect(await page.getAttribute('[data-testid=worker-memory]', 'data-tensors')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone: no horizontal scrolling at 390 px, before, during and after a run', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    // The long run's model on the default link's 12,000 images: long enough to look at mid-run, and the
    // network test already covers a run on all of MNIST.
    await page.goto(`${appUrl}?${LONG_QUERY.replace('trainCount=60000', 'trainCount=12000')}&backend=wasm`);
    await ready(page);
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.waitForSelector('[data-testid=results]', { timeout: 60_000 });
    expect(await width()).toBeLessThanOrEqual(390);
    await finished(page);
    expect(await width()).toBeLessThanOrEqual(390);
    // And legible: no text in the page or its figures drawn below 11 px.
    const smallest = await page.evaluate(() =>
      Math.min(
        ...[...document.querySelectorAll('main *')]
          .filter(
            (e) =>
              e.childNodes.length > 0 &&
              [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '') &&
              e.getClientRects().length > 0,
          )
          .map((e) => {
            const size = parseFloat(getComputedStyle(e).fontSize);
            const svg = e.closest('svg');
            // SVG text scales with its viewBox.
            return svg?.viewBox.baseVal?.width ? (size * svg.getBoundingClientRect().width) / svg.viewBox.baseVal.width : size;
          }),
      ),
    );
    expect(smallest).toBeGreaterThanOrEqual(11);
    await screenshot(page, 'phone-390-finished');
    await page.close();
  });

  it('runs a class from the keyboard, in presentation mode, with only the controls a link keeps', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${LONG_QUERY}&backend=wasm&hide=settings,presets,distill,tour`);
    await ready(page);
    // A shared link shows only what the teacher kept: the initialisation toggle and Run; the backend says a word, no more.
    expect(await page.locator('[data-field=init]').count()).toBe(1);
    for (const gone of [
      '[data-field=distill]',
      '.presets',
      '[data-testid=settings]',
      '[data-testid=tour-start]',
      'button:has-text("Walk-through")',
    ])
      expect(await page.locator(gone).count(), gone).toBe(0);
    expect((await page.textContent('[data-testid=backend-badge]'))!.length).toBeLessThan(30);
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
    const headingPx = () => page.locator('h1').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    // Presentation type follows the screen (a laptop mirrored to a projector keeps its body size): measured on a projector's.
    await page.setViewportSize({ width: 1920, height: 1080 });
    const before = await headingPx();
    await page.keyboard.press('p');
    await expect.poll(() => new URL(page.url()).searchParams.get('present')).toBe('1');
    // Type a room can read from the back: the heading grows by at least a quarter.
    await expect.poll(headingPx).toBeGreaterThanOrEqual(1.25 * before);
    // I cycles the initialisation: shared and different side by side → all three.
    await page.keyboard.press('i');
    await expect.poll(() => new URL(page.url()).searchParams.get('init')).toBe('all');
    await page.keyboard.press('r');
    await page.waitForSelector('[data-testid=run-progress][data-state=running]');
    await page.keyboard.press('r');
    await page.waitForSelector('[data-testid=run-progress][data-state=paused]');
    await page.keyboard.press('r');
    await page.waitForSelector('[data-testid=run-progress][data-state=running]');
    await page.waitForSelector('[data-testid=results]', { timeout: 60_000 });
    await screenshot(page, 'presentation-mode');
    await page.keyboard.press('x');
    await page.waitForSelector('[data-testid=run-progress]', { state: 'detached' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains in the workers: the main thread never loads tfjs, every worker has it', async () => {
    // The quick classroom preset, as a teacher would run it (the bundle test checks the page's script; this, what runs).
    const { page } = await openPage(browser(), appUrl);
    await ready(page);
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.waitForSelector('[data-testid=run-progress][data-state=running]');
    const doneSteps = async () => Number(/(\d+)\/\d+ steps/.exec((await page.textContent('[data-testid=run-progress]'))!)![1]);
    await expect.poll(doneSteps, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => '_tfengine' in globalThis)).toBe(false);
    const workers = page.workers();
    expect(workers.length).toBe(Number(await page.getAttribute('[data-testid=backend-badge]', 'data-workers')));
    for (const worker of workers)
      expect(
        await worker.evaluate(
          () => (globalThis as unknown as { _tfengine?: { memory(): { numTensors: number } } })._tfengine?.memory().numTensors,
        ),
      ).toBeGreaterThan(0);
    await page.close();
  });
});

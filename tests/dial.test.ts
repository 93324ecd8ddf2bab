/**
 * The α dial as a class moves it: with a mouse, a finger and the keys, in real Chromium. Each way
 * the value shown, the link and the run trained after it agree.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { chromiumForFile, exported, openPage, ready, runToEnd, TINY_QUERY } from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

/** A tiny run with one partly shared student, so the dial shows from the start. */
const PARTIAL_QUERY = `${TINY_QUERY.replace('init=both', 'init=partial')}&backend=wasm`;

const slider = (page: Page) => page.getByTestId('init-dial').locator('input[type=range]');

/** A point on the slider's track, a fraction of the way along it, as a page coordinate. */
async function onTrack(dial: Locator, fraction: number) {
  const box = (await dial.boundingBox())!;
  return { x: box.x + fraction * box.width, y: box.y + box.height / 2 };
}

/** The dial's value, once the text beside it and the link say the same. */
async function dialValue(page: Page): Promise<number> {
  const value = Number(await slider(page).inputValue());
  await expect
    .poll(() => new URL(page.url()).searchParams.get('initShare'), { message: `the link's initShare, with the dial at ${value}` })
    .toBe(String(value));
  expect(await page.getByTestId('init-dial').locator('strong').textContent()).toBe(`α = ${value.toFixed(2)}`);
  return value;
}

/** Runs to the end and checks that the run trained the partly shared student at the dial's α. */
async function trainsWith(page: Page, initShare: number) {
  await runToEnd(page);
  const result = await exported(page);
  expect(result.config).toMatchObject({ init: 'partial', initShare });
  expect(Object.keys(result.summary)).toEqual(['reference', 'teacher', 'aux-partial']);
}

describe('the α dial', () => {
  it('moves with a mouse: a click on the track, a drag of its thumb, a mark; a run after it trains at that α', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${PARTIAL_QUERY}`);
    await ready(page);
    const dial = slider(page);
    // A click a quarter of the way along the track (the thumb's own width keeps it from being exactly 0.25).
    const quarter = await onTrack(dial, 0.25);
    await page.mouse.click(quarter.x, quarter.y);
    expect(Math.abs((await dialValue(page)) - 0.25)).toBeLessThan(0.05);
    // The thumb dragged to three quarters.
    const threeQuarters = await onTrack(dial, 0.75);
    await page.mouse.move(quarter.x, quarter.y);
    await page.mouse.down();
    await page.mouse.move(threeQuarters.x, threeQuarters.y, { steps: 8 });
    await page.mouse.up();
    expect(Math.abs((await dialValue(page)) - 0.75)).toBeLessThan(0.05);
    // A mark sets its value exactly, and says it is the one set.
    const mark = page.getByTestId('init-dial').getByRole('button', { name: '0.95' });
    await mark.click();
    expect(await dialValue(page)).toBe(0.95);
    expect(await mark.getAttribute('aria-pressed')).toBe('true');
    // Dragged once more, off the marks, and that is what trains.
    const third = await onTrack(dial, 1 / 3);
    await page.mouse.move((await onTrack(dial, 0.95)).x, third.y);
    await page.mouse.down();
    await page.mouse.move(third.x, third.y, { steps: 8 });
    await page.mouse.up();
    const value = await dialValue(page);
    expect(Math.abs(value - 1 / 3)).toBeLessThan(0.05);
    await trainsWith(page, value);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moves with a finger on a phone: a tap on the track, a drag along it; a run after it trains at that α', async () => {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${appUrl}?${PARTIAL_QUERY}`);
    await ready(page);
    const dial = slider(page);
    await dial.scrollIntoViewIfNeeded();
    const fifth = await onTrack(dial, 0.2);
    await page.touchscreen.tap(fifth.x, fifth.y);
    expect(Math.abs((await dialValue(page)) - 0.2)).toBeLessThan(0.05);
    // A finger drawn along the track, as the browser gets it from a touch screen (playwright-core has no touch drag of its own).
    const touch = await context.newCDPSession(page);
    const along = await Promise.all([0.2, 0.35, 0.5, 0.6].map((f) => onTrack(dial, f)));
    await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [along[0]] });
    for (const point of along.slice(1)) await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
    await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const value = await dialValue(page);
    expect(Math.abs(value - 0.6)).toBeLessThan(0.05);
    await trainsWith(page, value);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('moves with the keys: Home, End and the arrows; a run after it trains at that α', async () => {
    const { page, errors } = await openPage(browser(), `${appUrl}?${PARTIAL_QUERY}`);
    await ready(page);
    await slider(page).focus();
    await page.keyboard.press('Home');
    expect(await dialValue(page)).toBe(0);
    await page.keyboard.press('End');
    expect(await dialValue(page)).toBe(1);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    expect(await dialValue(page)).toBe(0.97);
    await trainsWith(page, 0.97);
    expect(errors).toEqual([]);
    await page.close();
  });
});

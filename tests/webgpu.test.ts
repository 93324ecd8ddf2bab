/** The WebGPU path in real Chromium, on its software (SwiftShader) adapter: correct, not fast. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launch, openPage, screenshot, TINY_QUERY } from './e2e/browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});
afterAll(async () => {
  await browser?.close();
});

it('runs a tiny experiment to the end on WebGPU when asked to', async () => {
  const query = TINY_QUERY.replace('seeds=2', 'seeds=1');
  const { page, errors } = await openPage(browser, `${inject('appUrl')}?${query}&backend=webgpu`);
  await page.waitForSelector('[data-testid=backend-badge]', { timeout: 180_000 });
  expect(await page.getAttribute('[data-testid=backend-badge]', 'data-backend')).toBe('webgpu');
  // The software adapter is named as such, so nobody mistakes its speed for a GPU's.
  expect(await page.textContent('[data-testid=backend-badge]')).toMatch(/software adapter/i);
  await page.getByRole('button', { name: '▶ Run' }).click();
  await page.waitForSelector('[data-testid=run-progress][data-state=finished]', { timeout: 300_000 });
  expect(Number(await page.getAttribute('[data-testid=accuracy-chart]', 'data-points'))).toBe(1 + 5 + 3 + 3);
  await screenshot(page, 'finished-run-webgpu');
  expect(errors).toEqual([]);
  await page.close();
});

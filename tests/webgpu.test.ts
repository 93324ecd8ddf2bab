/** The WebGPU path in real Chromium, on its software (SwiftShader) adapter: correct, not fast. */
import { expect, inject, it } from 'vitest';
import { chromiumForFile, finished, openPage, openSection, runToEnd, screenshot, TINY_QUERY } from './e2e/browser';

const browser = chromiumForFile({ webgpu: true });

it('runs a tiny experiment to the end on WebGPU when asked to', async () => {
  const query = TINY_QUERY.replace('seeds=2', 'seeds=1');
  const { page, errors } = await openPage(browser(), `${inject('appUrl')}?${query}&backend=webgpu`);
  await page.waitForSelector('[data-testid=backend-badge]', { timeout: 180_000 });
  expect(await page.getAttribute('[data-testid=backend-badge]', 'data-backend')).toBe('webgpu');
  // A software adapter is named as such, so nobody mistakes its speed for a GPU's: these tests run on SwiftShader.
  expect(await page.textContent('[data-testid=backend-badge]')).toMatch(/software adapter/i);
  await runToEnd(page, 300_000);
  expect(Number(await page.getAttribute('[data-testid=accuracy-chart]', 'data-points'))).toBe(1 + 5 + 3 + 3);
  // The receipt names the step that trained each phase: the fused WebGPU kernels, not a silent fallback to tfjs's.
  expect(await page.textContent('[data-testid=receipt] pre')).toContain(
    'kernels: fused-webgpu for teacher, teacher noise pass, aux-shared, aux-different\n',
  );
  await screenshot(page, 'finished-run-webgpu');
  expect(errors).toEqual([]);
  await page.close();
});

it('survives a lost GPU: says so, moves to another backend, restarts the run there, and leaks nothing', async () => {
  // A run long enough (on a software adapter) to be interrupted mid-way.
  const query = TINY_QUERY.replace('seeds=2', 'seeds=1').replace('teacherEpochs=1', 'teacherEpochs=30');
  const { page, errors } = await openPage(browser(), `${inject('appUrl')}?${query}&backend=webgpu`);
  await page.waitForSelector('[data-testid=backend-badge][data-backend=webgpu]', { timeout: 180_000 });
  await page.getByRole('button', { name: '▶ Run' }).click();
  const doneSteps = async () => Number(/(\d+)\/\d+ steps/.exec((await page.textContent('[data-testid=run-progress]')) ?? '')?.[1] ?? 0);
  await expect.poll(doneSteps, { timeout: 120_000 }).toBeGreaterThan(2);
  // What a driver reset does: the device goes away under the running worker.
  await page
    .workers()[0]
    .evaluate(() =>
      (globalThis as unknown as { _tfengine: { backend: { device: { destroy(): void } } } })._tfengine.backend.device.destroy(),
    );
  await page.getByTestId('alert').waitFor({ timeout: 60_000 });
  expect(await page.textContent('[data-testid=alert]')).toMatch(/The GPU was lost \(destroyed.*the run restarts on another backend/);
  await page.waitForSelector('[data-testid=backend-badge][data-backend=wasm]', { timeout: 120_000 });
  expect(await page.textContent('[data-testid=backend-badge]')).toMatch(/the GPU was lost/);
  await finished(page, 300_000);
  expect(Number(await page.getAttribute('[data-testid=results] [data-testid=results-figure]', 'data-bars'))).toBe(4);
  await openSection(page, 'settings');
  expect(await page.getAttribute('[data-testid=worker-memory]', 'data-tensors')).toBe('0');
  expect(errors.filter((e) => !/lost|destroyed/i.test(e))).toEqual([]);
  await page.close();
});

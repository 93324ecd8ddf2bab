/**
 * The fused WebGPU training step (src/engine/webgpu/) in real Chromium on its software adapter:
 * the same results as tfjs's kernels, and the step's GPU calls within their budget, for any K.
 */
import { createServer, type ViteDevServer } from 'vite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch } from './e2e/browser';
import type { FusedReport, PhaseComparison } from './gpu/fused';

let browser: Browser;
let server: ViteDevServer;

beforeAll(async () => {
  server = await createServer({ logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  browser = await launch({ webgpu: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('trains exactly as tfjs does, in ≤ 25 dispatches, no new buffers and one submit per step, whatever K', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.resolvedUrls!.local[0]}tests/gpu/fused.html`);
  await page.waitForFunction(() => window.__fused !== undefined, undefined, { timeout: 300_000 });
  const report = (await page.evaluate(() => window.__fused)) as FusedReport;
  if ('error' in report) throw new Error(report.error);
  expect(report.phases.map((p: PhaseComparison) => `${p.phase}×${p.models}`)).toEqual([
    'teacher×1',
    'aux×1',
    'all×1',
    'teacher×3',
    'aux×3',
    'all×3',
  ]);
  for (const phase of report.phases) {
    const [reference, fused] = phase.losses;
    expect(fused.length).toBe(reference.length);
    fused.forEach((loss, i) => expect(Math.abs(loss - reference[i]) / Math.abs(reference[i])).toBeLessThan(1e-4));
    // Summation order differs; Adam's first steps magnify that for parameters with tiny gradients.
    expect(phase.paramRelDiff).toBeLessThan(1e-3);
    expect(phase.fusedCalls.length).toBeGreaterThan(3);
    for (const [dispatches, buffersCreated, submits] of phase.fusedCalls) {
      expect(dispatches).toBeLessThanOrEqual(25);
      expect(buffersCreated, `${phase.phase}×${phase.models}: ${JSON.stringify(phase.fusedCalls)}`).toBe(0);
      expect(submits).toBeLessThanOrEqual(2);
    }
  }
  // The noise set is generated on the GPU bit for bit as in JS, and the forward pass is the same arithmetic.
  expect(report.noiseLogitsMaxDiff).toBeLessThan(1e-5);
  expect(report.cloneSourceChanged).toBe(false);
  expect(report.tensorsAfter).toBe(report.tensorsBefore);
  await page.close();
});

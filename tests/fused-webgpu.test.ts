/**
 * The fused WebGPU training step (src/engine/webgpu/) in real Chromium on its software adapter:
 * the same results as tfjs's kernels at sizes that run many tiles of every kernel, the step's GPU
 * calls within their budget for any K, and failures that say what went wrong.
 */
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumForFile } from './e2e/browser';
import type { FusedReport } from './gpu/fused';

const browser = chromiumForFile({ webgpu: true });
let server: ViteDevServer;

beforeAll(async () => {
  server = await createServer({ logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
});
afterAll(async () => {
  await server?.close();
});

it('trains exactly as tfjs does, in ≤ 25 dispatches, no new buffers and one submit per step, whatever K', async () => {
  const page = await browser().newPage();
  const warnings: string[] = [];
  page.on('console', (message) => message.type() !== 'log' && warnings.push(message.text()));
  await page.goto(`${server.resolvedUrls!.local[0]}tests/gpu/fused.html`);
  // About a minute on an idle machine; several on a busy one.
  await page.waitForFunction(() => window.__fused !== undefined, undefined, { timeout: 480_000 });
  const report = (await page.evaluate(() => window.__fused)) as FusedReport;
  if ('error' in report) throw new Error(report.error);
  expect(report.phases.map((p) => `${p.phase}×${p.models}, hidden ${p.hidden}`)).toEqual([
    'teacher×1, hidden 136',
    'aux×1, hidden 136',
    'all×1, hidden 136',
    'teacher×3, hidden 136',
    'aux×3, hidden 136',
    'all×3, hidden 136',
  ]);
  for (const phase of report.phases) {
    const name = `${phase.phase}×${phase.models}`;
    // The comparison means something only if each side ran what it says: tfjs's kernels against the fused step, no fallback.
    expect(phase.kernels, name).toEqual([{ step: 'tfjs' }, { step: 'fused-webgpu' }]);
    const [reference, fused] = phase.losses;
    expect(fused.length, name).toBe(reference.length);
    expect(fused.length, name).toBeGreaterThan(0);
    fused.forEach((loss, i) => expect(Math.abs(loss - reference[i]) / Math.abs(reference[i]), name).toBeLessThan(1e-4));
    // Summation order differs; Adam's first steps magnify that for parameters with tiny gradients.
    expect(phase.paramRelDiff, name).toBeLessThan(1e-3);
    expect(phase.fusedCalls.length, name).toBeGreaterThan(0);
    for (const [dispatches, buffersCreated, submits] of phase.fusedCalls) {
      expect(dispatches, name).toBeLessThanOrEqual(25);
      expect(buffersCreated, `${name}: ${JSON.stringify(phase.fusedCalls)}`).toBe(0);
      expect(submits, name).toBeLessThanOrEqual(2);
    }
  }
  // Every parameter where the reference MLP puts it after two steps (a full batch and a short one) of each kind of phase, students by
  // either loss, at m = 3 and m's largest (from the uniform scheme).
  expect(report.oracle.map((o) => o.phase)).toEqual(
    ['', ', m = 250'].flatMap((m) => ['teacher', 'aux', 'all', 'aux, mse', 'all, mse'].map((phase) => `${phase}${m}`)),
  );
  console.log(
    `[fused step against the reference MLP] ${report.oracle.map((o) => `${o.phase}: worst ${o.worst.toFixed(4)}·lr, ${(100 * o.roundingLevel).toFixed(3)}% at rounding level, loss ${o.lossRelDiff.toExponential(1)}`).join('; ')}`,
  );
  for (const { phase, kernels, lossRelDiff, worst, roundingLevel } of report.oracle) {
    expect(kernels, phase).toEqual({ step: 'fused-webgpu' });
    expect(lossRelDiff, phase).toBeLessThan(1e-5);
    // Adam moves a parameter about lr a step, a wrong gradient's sign 2·lr: float32 rounding stays below lr/50 (see deviationInLr;
    // measured on SwiftShader: at most 0.005·lr).
    expect(worst, phase).toBeLessThan(0.02);
    expect(roundingLevel, phase).toBeLessThan(1e-3);
  }
  // Adam as a 2-D dispatch (100 models at hidden 256), two steps: every parameter of every model where tfjs's kernels put it.
  expect(report.adamAtScale.steps).toBe(2);
  expect(report.adamAtScale.agree).toEqual(new Array(100).fill(1));
  // The noise set is generated on the GPU bit for bit as in JS, and the forward pass is the same arithmetic.
  expect(report.noisePass.kernels).toEqual([{ step: 'tfjs' }, { step: 'fused-webgpu' }]);
  expect(report.noisePass.maxDiff).toBeLessThan(1e-5);
  // Gaussian and blurred noise are drawn on the host: their noise pass and steps run tfjs's kernels, the receipt says why, and the
  // numbers are those of every other path.
  expect(report.hostNoise.map(({ kind, pass, step }) => ({ kind, pass, step }))).toEqual(
    ['gaussian', 'blur'].map((kind) => {
      const kernels = { step: 'tfjs', fallback: `the fused kernels draw uniform noise only; ${kind} noise is drawn on the host` };
      return { kind, pass: kernels, step: kernels };
    }),
  );
  for (const { kind, maxDiff } of report.hostNoise) expect(maxDiff, kind).toBe(0);
  // Its targets stay on the GPU for the students: the phase reads back its losses (a few bytes), never the targets.
  expect(report.targetsStay.bytesRead, JSON.stringify(report.targetsStay)).toBeLessThan(report.targetsStay.targetBytes / 10);
  expect(report.cloneSourceChanged).toBe(false);
  expect(report.missingMember).toMatch(/^tfjs 4\.22\.0's WebGPU backend lacks submitQueue, which the fused step uses/);
  expect(report.missingResource).toMatch(/^tfjs 4\.22\.0's WebGPU backend lacks tensorMap entries holding a GPUBuffer as resource/);
  expect(report.validationError).toMatch(/^fused WebGPU training, setting up the step: /);
  expect(report.firstStepError).toMatch(/^fused WebGPU training, the first step: /);
  expect(report.tensorsAfter).toBe(report.tensorsBefore);
  // Validation errors are caught where they happen, not left to the console as warnings.
  expect(warnings.filter((w) => /WebGPU|GPU|validation/i.test(w))).toEqual([]);
  await page.close();
}, 540_000);

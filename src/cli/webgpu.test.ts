/**
 * The CLI on WebGPU (Dawn; Chromium's SwiftShader on a machine without a GPU) against wasm, seed
 * by seed: the jobs go through the CLI's own runner for the device, every seed side by side. Where
 * Dawn finds no adapter the comparison is skipped, and its title says why.
 */
import { execFile } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../engine/experiment';
import { activeGpuDevice } from '../engine/webgpu/tfjsAdapter';
import { activateNodeBackend, activateWebGpu } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { studentsOf } from '../protocol/conditions';
import type { ExperimentResult } from '../protocol/results';
import { parseArgs } from './args';
import { GpuLost, runJobsOnDevice } from './on-device';
import type { Job } from './seed-worker';

/**
 * Per-seed accuracy, WebGPU against wasm: the fused step sums in another order than tfjs's
 * kernels, which moves a seed's accuracy by a few tenths of a point at most (docs/gpu.md).
 */
const TOLERANCE = 0.03;

const TINY = ['--seeds', '2', '--hidden', '32', '--train-count', '1000', '--noise-count', '500', '--test-count', '500'];
const SETTINGS = [...TINY, '--batch-size', '100', '--teacher-epochs', '2', '--student-epochs', '1', '--lr', '0.003'];

function job(flags: string[]): Job {
  const { config, issues } = parseArgs([...SETTINGS, ...flags]);
  expect(issues).toEqual([]);
  return { config, seeds: [1, 2], students: studentsOf(config) };
}

const JOBS = [
  job(['--init', 'all', '--distill', 'both']),
  job(['--teacher-trait', 'favourite', '--init', 'parts', '--share-parts', 'heads', '--distill', 'aux']),
  // Other depths: the fused step's layers follow the network's, with no fallback.
  job(['--depth', '3', '--init', 'parts', '--share-parts', 'hidden1+hidden3+aux', '--distill', 'aux']),
  job(['--depth', '1', '--init', 'both', '--distill', 'aux']),
];

const adapter = await activateWebGpu().catch((error: Error) => error);
const skipped = adapter instanceof Error ? `skipped: ${adapter.message}` : null;

describe(`the CLI on WebGPU against wasm${skipped ? ` (${skipped})` : ''}`, () => {
  it.skipIf(skipped)(
    'gives every seed of every model (each start and imitation; a favourite-digit teacher, its clean twin and their part-by-part students; networks of 3 and 1 hidden layers) the accuracy wasm gives it, within 3 points',
    async () => {
      const data = await loadMnist();
      const before = tf.memory().numTensors;
      let started = performance.now();
      const onGpu = await runJobsOnDevice(
        JOBS,
        () => {},
        () => {},
      );
      const gpuSeconds = (performance.now() - started) / 1000;
      expect(tf.memory().numTensors).toBe(before);

      await activateNodeBackend('wasm');
      started = performance.now();
      const onWasm: ExperimentResult[] = [];
      for (const { config } of JOBS) onWasm.push(await runExperiment(config, data));
      const wasmSeconds = (performance.now() - started) / 1000;
      console.log(`WebGPU (${(adapter as { name: string }).name}) ${gpuSeconds.toFixed(1)} s, wasm ${wasmSeconds.toFixed(1)} s`);

      for (const [index, gpuResult] of onGpu.entries()) {
        expect(gpuResult.backend).toBe('webgpu');
        expect(Object.values(gpuResult.kernels).every((use) => use.step === 'fused-webgpu' && !use.fallback)).toBe(true);
        for (const seed of gpuResult.seeds) {
          const wasmSeed = onWasm[index].seeds.find((s) => s.seed === seed.seed)!;
          const conditions = Object.keys(wasmSeed.accuracy);
          expect(Object.keys(seed.accuracy)).toEqual(conditions);
          for (const condition of conditions) {
            const gap = Math.abs(seed.accuracy[condition as 'teacher']!.overall - wasmSeed.accuracy[condition as 'teacher']!.overall);
            expect(gap, `seed ${seed.seed}, ${condition}`).toBeLessThanOrEqual(TOLERANCE);
          }
        }
      }
      // Teachers that learnt (agreement among accuracies near chance would prove little), and the part-by-part students trained.
      const learnt = [onWasm[0].seeds.map((s) => s.accuracy.teacher!), onWasm[1].seeds.map((s) => s.accuracy['clean-teacher']!)].flat();
      for (const accuracy of learnt) expect(accuracy.overall).toBeGreaterThan(0.3);
      expect(Object.keys(onGpu[0].seeds[0].accuracy)).toHaveLength(8);
      expect(Object.keys(onGpu[1].seeds[0].accuracy)).toEqual(expect.arrayContaining(['aux-parts', 'clean-aux-parts']));
      expect(onGpu[2].config.depth).toBe(3);
      expect(onGpu[3].config.depth).toBe(1);
    },
    600_000,
  );

  it.skipIf(skipped)(
    'stops with the GPU’s loss, naming it, when the device is lost mid-run',
    async () => {
      await tf.setBackend('webgpu');
      const device = activeGpuDevice()!;
      const run = runJobsOnDevice(
        [JOBS[1]],
        ({ doneSteps }) => {
          if (doneSteps > 2) device.destroy();
        },
        () => expect.unreachable('a job finished on a lost device'),
      );
      await expect(run).rejects.toThrow(GpuLost);
      await expect(run).rejects.toThrow(/the GPU was lost \(destroyed.*nothing it had not finished was written/);
    },
    300_000,
  );
});

describe('the CLI asked for WebGPU where there is none', () => {
  it('refuses within seconds, before training, naming what to install or the backend to use instead (exit 2)', async () => {
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        'node_modules/.bin/tsx',
        ['src/cli/experiment.ts', '--backend', 'webgpu', ...TINY],
        // A driver list naming no driver: Dawn then finds no adapter, as on a machine without one.
        { encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' } },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/error: --backend webgpu: (no WebGPU adapter|the webgpu package).*--backend wasm/);
    expect(stderr).toContain('Nothing was trained.');
    expect(stderr).not.toContain('Training seeds');
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

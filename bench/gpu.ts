/**
 * `npm run bench -- --gpu`: the WebGPU path in Node on Dawn (src/node/dawn.ts: a GPU's Vulkan
 * driver, else Chromium's SwiftShader; `--software` asks for SwiftShader).
 *
 * For K = 1, 5, 25, 100 models side by side: ms per step (loss read back every step) and, per
 * steady-state step, GPU dispatches, buffers created and queue submits — for the fused step the
 * page uses and for the same step in tfjs's own kernels. The fused step at hidden 1024 and 2048
 * beside 256 (bench/widths.ts). Then the jax-js peer's step on WebGPU,
 * and on a real GPU the protocol triple for one seed and the paper's 25-seed figure, beside a
 * batched PyTorch CUDA peer (bench/peer_torch.py) when torch.cuda is available.
 *
 * On a software adapter (SwiftShader) the counts are the same calls a GPU gets; the times are a
 * CPU's, so the batch is cut to 128 and the long runs are skipped. Exit code 3: no adapter.
 * Results in bench/results-gpu.json.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DawnUnavailable, installDawn } from '../src/node/dawn';
import { findTorchPython } from './torch';

let adapter: Awaited<ReturnType<typeof installDawn>>;
try {
  adapter = await installDawn({ software: process.argv.includes('--software') });
} catch (error) {
  if (!(error instanceof DawnUnavailable)) throw error;
  process.stderr.write(`${error.message}.\n`);
  process.exit(3);
}
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');
const { LAYOUTS } = await import('../src/engine/layout');
const { perStep, timeTrainingSteps } = await import('../src/engine/timing');
const { stepFlops } = await import('../src/protocol/resources');
const { benchWidths, widthsTable } = await import('./widths');
const { countGpuCalls } = await import('../src/engine/webgpu/counters');
const { runExperiment } = await import('../src/engine/experiment');
const { loadMnist, mnistDataDir } = await import('../src/node/mnist');
const { defaultConfig } = await import('../src/protocol/config');
const { timeJaxStep } = await import('./peer_jax');

const log = (text: string) => process.stderr.write(text + '\n');
const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));

if (!(await tf.setBackend('webgpu').catch(() => false)) || tf.getBackend() !== 'webgpu') {
  log('tfjs could not start its WebGPU backend on this adapter.');
  process.exit(1);
}
await tf.ready();
const { software, name } = adapter;
const full = process.argv.includes('--full');
const batchSize = software ? 128 : 1024;
const MODELS = software && !full ? [1, 5, 25] : [1, 5, 25, 100];
const machine = `${name}${software ? ' (software adapter: CPU emulation)' : ''}; ${cpus().length}× ${cpus()[0]?.model.trim()}, node ${process.version}, tfjs ${tf.version_core}`;
log(`adapter: ${machine}`);

interface StepRow {
  layout: string;
  models: number;
  msPerStep: number;
  dispatches: number;
  buffersCreated: number;
  submits: number;
}

async function stepRow(layout: (typeof LAYOUTS)['fused' | 'stacked'], models: number): Promise<StepRow> {
  const counter = countGpuCalls();
  const [dispatches, buffersCreated, submits] = await perStep(
    () => {
      const c = counter.read();
      return [c.dispatches, c.buffersCreated, c.submits];
    },
    models,
    layout,
    batchSize,
  ).finally(() => counter.stop());
  const timing = await timeTrainingSteps({ models, batchSize, layout, warmup: 2, steps: software ? 3 : 20 });
  const row = { layout: layout.name, models, msPerStep: timing.medianMs, dispatches, buffersCreated, submits };
  log(JSON.stringify(row));
  return row;
}

const steps: StepRow[] = [];
for (const models of MODELS) for (const layout of [LAYOUTS.fused, LAYOUTS.stacked]) steps.push(await stepRow(layout, models));

const widths = await benchWidths(machine, `WebGPU, ${LAYOUTS.fused.name} step`, {
  rounds: software ? 1 : 3,
  steps: software ? 2 : 10,
  batchSize,
  layout: LAYOUTS.fused,
});
log(`widths: ${widths.rows.map((r) => `${r.hidden}: ${f(r.medianMs)} ms`).join(', ')}`);

let jaxMs: number | null = null;
try {
  jaxMs = (await timeJaxStep({ device: 'webgpu', batchSize, steps: software ? 3 : 30 })).medianMs;
  log(`jax-js webgpu step: ${f(jaxMs)} ms`);
} catch (error) {
  log(`jax-js on WebGPU failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The protocol in-process on WebGPU; wall seconds and each condition's mean accuracy. */
async function protocol(
  data: Awaited<ReturnType<typeof loadMnist>>,
  seeds: number,
  triple: boolean,
): Promise<{ wallSeconds: number; accuracy: Record<string, number> }> {
  // No evaluations during training (the peer makes none); each model's final accuracy is still measured.
  const config = { ...defaultConfig(), seeds, evalEvery: 0, init: 'both' as const, distill: triple ? ('aux' as const) : ('both' as const) };
  const started = performance.now();
  const result = await runExperiment(config, data);
  const wallSeconds = (performance.now() - started) / 1000;
  return { wallSeconds, accuracy: Object.fromEntries(Object.entries(result.summary).map(([condition, s]) => [condition, s.mean])) };
}

function torchPeer(python: string, seeds: number, conditions: string): { wallSeconds: number; result: Record<string, unknown> } {
  const started = performance.now();
  const output = execFileSync(
    python,
    ['bench/peer_torch.py', mnistDataDir(), '--device', 'cuda', '--batched', '--seeds', String(seeds), '--conditions', conditions],
    { encoding: 'utf8' },
  );
  return { wallSeconds: (performance.now() - started) / 1000, result: JSON.parse(output.trim().split('\n').at(-1)!) };
}

const runs: Record<string, { wallSeconds: number; accuracy?: Record<string, number> } | null> = {
  triple: null,
  paper25: null,
  torchTriple: null,
  torchPaper25: null,
};
if (!software || full) {
  const data = await loadMnist();
  runs.triple = await protocol(data, 1, true);
  log(`triple: ${f(runs.triple.wallSeconds)} s`);
  runs.paper25 = await protocol(data, 25, false);
  log(`25 seeds, six conditions: ${f(runs.paper25.wallSeconds)} s`);
  const python = findTorchPython(true);
  if (python) {
    runs.torchTriple = torchPeer(python, 1, 'aux-shared,aux-different');
    runs.torchPaper25 = torchPeer(python, 25, 'aux-shared,aux-different,all-shared,all-different');
    log(`pytorch cuda: triple ${f(runs.torchTriple.wallSeconds)} s, 25 seeds ${f(runs.torchPaper25.wallSeconds)} s`);
  } else log('PyTorch CUDA peer skipped: no python3 with torch.cuda available.');
}

// The figure through the CLI (`npm run bench -- --figure --gpu`) keeps its own entry in the same file.
const previousFigure = existsSync('bench/results-gpu.json')
  ? (JSON.parse(readFileSync('bench/results-gpu.json', 'utf8')) as { figure?: unknown }).figure
  : undefined;
writeFileSync(
  'bench/results-gpu.json',
  JSON.stringify(
    {
      machine,
      date: new Date().toISOString(),
      batchSize,
      steps,
      widths,
      jaxWebgpuStepMs: jaxMs,
      runs,
      ...(previousFigure !== undefined && { figure: previousFigure }),
    },
    null,
    2,
  ) + '\n',
);

console.log(`\nWebGPU on ${machine}; batch ${batchSize}; medians; counts per steady-state step.\n`);
console.log(
  '| K models | fused step ms | tfjs kernels ms | fused: dispatches / buffers created / submits | tfjs kernels: dispatches / buffers created / submits |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const models of MODELS) {
  const [fused, tfjs] = ['fused', 'stacked'].map((name) => steps.find((s) => s.models === models && s.layout === name)!);
  const counts = (s: StepRow) => `${f(s.dispatches, 0)} / ${f(s.buffersCreated, 0)} / ${f(s.submits, 0)}`;
  console.log(`| ${models} | ${f(fused.msPerStep)} | ${f(tfjs.msPerStep)} | ${counts(fused)} | ${counts(tfjs)} |`);
}
console.log(`\n${widthsTable(widths)}`);
const k1 = steps.find((s) => s.models === 1 && s.layout === 'fused')!;
console.log(
  `\njax-js peer on WebGPU, K = 1: ${f(jaxMs)} ms per step${jaxMs ? ` (project ${f(k1.msPerStep / jaxMs, 2)}× it; ${f(stepFlops(1, batchSize) / k1.msPerStep / 1e6)} GFLOP/s)` : ''}.`,
);
if (runs.triple && runs.paper25) {
  console.log('\n| run | project on WebGPU, s | PyTorch CUDA peer, s | ratio |');
  console.log('| --- | --- | --- | --- |');
  const ratio = (a: number, b: number | undefined) => (b ? `${f(a / b, 2)}×` : '—');
  console.log(
    `| triple, 1 seed | ${f(runs.triple.wallSeconds)} | ${f(runs.torchTriple?.wallSeconds)} | ${ratio(runs.triple.wallSeconds, runs.torchTriple?.wallSeconds)} |`,
  );
  console.log(
    `| paper figure, 25 seeds, six conditions | ${f(runs.paper25.wallSeconds)} | ${f(runs.torchPaper25?.wallSeconds)} | ${ratio(runs.paper25.wallSeconds, runs.torchPaper25?.wallSeconds)} |`,
  );
  console.log(
    `\n25-seed means: ${Object.entries(runs.paper25.accuracy ?? {})
      .map(([c, a]) => `${c} ${f(100 * a)}%`)
      .join(', ')}`,
  );
} else console.log('\nProtocol runs skipped on a software adapter (add --full to run them anyway).');
console.log('\nWrote bench/results-gpu.json');

/**
 * `npm run bench`: the project's speed beside its peers, on this machine, in one invocation.
 *
 * 1. Node (tfjs wasm): warm training-step time for K = 1, 5, 25 models side by side, and the
 *    backend's plain matmul rate, so the cost per seed of batching and the achieved GFLOP/s show.
 * 2. The protocol triple for one seed (teacher + aux-only shared + aux-only different students,
 *    ≈ 1.5 TFLOP), the project's CLI against a native PyTorch peer (bench/peer_torch.py, Debian's
 *    python3-torch, 2 threads), interleaved round by round so machine noise hits both alike.
 * 3. Headless Chromium: the same step timings on wasm, and on WebGPU (SwiftShader here: for
 *    correctness, not speed, unless the machine has a real GPU).
 *
 * 4. The step at hidden 1024 and 2048 beside 256, as ratios (bench/widths.ts).
 *
 * Medians over rounds; results in bench/results.json. BENCH_ROUNDS sets the rounds (default 3).
 * `npm run bench -- --widths` runs part 4 alone and updates its entry (`widths`) in place.
 *
 * `npm run bench -- --figure` runs the paper's 25-seed figure against a batched PyTorch CPU peer
 * instead (bench/figure.ts); with `--gpu`, through the CLI on WebGPU against the PyTorch CUDA peer. `npm run bench -- --gpu` runs the WebGPU benchmark instead (bench/gpu.ts, on Dawn in Node; on a
 * machine without a GPU, on SwiftShader, which still counts dispatches, buffers and submits).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createServer } from 'vite';
import { kernelsPerStep, timeTrainingSteps, type StepTiming } from '../src/engine/timing';
import { stepFlops } from '../src/protocol/resources';
import { LAYOUTS } from '../src/engine/layout';
import { activateNodeBackend } from '../src/node/backend';
import { mnistDataDir } from '../src/node/mnist';
import { launch } from '../tests/e2e/chromium';
import type { BrowserBench } from './browser/main';
import { timeJaxStep } from './peer_jax';
import { figureBench } from './figure';
import { findTorchPython } from './torch';
import { benchWidths, widthsTable } from './widths';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODELS = [1, 5, 25];
const TRIPLE = ['teacher', 'aux-shared', 'aux-different'] as const;
/** Teacher + two students, 5 epochs each over 60,000 examples at batch 1024. */
const TRIPLE_FLOP = 3 * 5 * (60000 / 1024) * stepFlops(1, 1024);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (text: string) => process.stderr.write(text + '\n');

function matmulGflops(): number {
  const a = tf.randomNormal([1024, 784]);
  const b = tf.randomNormal([784, 256]);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
    c.dataSync();
    if (i >= 2) times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * 1024 * 784 * 256) / median(times) / 1e6;
}

function stepRows(timings: StepTiming[]) {
  return timings.map((t) => ({
    models: t.models,
    msPerStep: t.medianMs,
    msPerSeed: t.medianMs / t.models,
    gflops: stepFlops(t.models, t.batchSize) / t.medianMs / 1e6,
  }));
}

/** The project's CLI on the triple; wall time and per-phase time in seconds. */
function projectTriple(): { wall: number; phases: Record<string, number>; accuracy: Record<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const json = join(dir, 'result.json');
  execFileSync(
    join('node_modules', '.bin', 'tsx'),
    ['src/cli/experiment.ts', '--seeds', '1', '--init', 'both', '--distill', 'aux', '--json', json],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const result = JSON.parse(readFileSync(json, 'utf8'));
  const phases = Object.fromEntries(Object.entries(result.phaseMs as Record<string, number>).map(([k, v]) => [k, v / 1000]));
  const accuracy = Object.fromEntries(TRIPLE.map((c) => [c, result.summary[c].mean]));
  return { wall: result.wallMs / 1000, phases, accuracy };
}

/** How the PyTorch peer's BLAS was set up (bench/peer_torch.py chooses OpenBLAS's core type and checks it against float64). */
interface PeerBlas {
  coretype: string;
  corename: string | null;
  matmulGflops: number;
  maxRelError: number;
}

function torchTriple(python: string): { wall: number; phases: Record<string, number>; accuracy: Record<string, number>; blas: PeerBlas } {
  const started = performance.now();
  const output = execFileSync(python, ['bench/peer_torch.py', mnistDataDir(), '--threads', String(Math.min(2, cpus().length))], {
    encoding: 'utf8',
  });
  const result = JSON.parse(output.trim().split('\n').at(-1)!);
  // The core-type choice is the peer's set-up, not its training: leave it out of its time.
  const wall = (performance.now() - started) / 1000 - result.blas_setup_seconds;
  return {
    wall,
    phases: result.seconds,
    accuracy: {
      teacher: result.teacher_accuracy,
      'aux-shared': result['aux-shared_accuracy'],
      'aux-different': result['aux-different_accuracy'],
    },
    blas: {
      coretype: result.openblas_coretype,
      corename: result.openblas_corename,
      matmulGflops: result.matmul_gflops,
      maxRelError: result.blas_max_rel_error,
    },
  };
}

async function browserSteps(): Promise<Record<string, unknown>> {
  const server = await createServer({ logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  const base = server.resolvedUrls!.local[0];
  const out: Record<string, unknown> = {};
  try {
    for (const [name, webgpu, query] of [
      ['wasm', false, `backend=wasm&models=${MODELS.join(',')}&batch=1024`],
      ['jax-js peer', false, 'peer=jax'],
      ['webgpu', true, 'backend=webgpu&models=1&batch=1024&steps=3'],
    ] as const) {
      const browser = await launch({ webgpu });
      try {
        const page = await browser.newPage();
        await page.goto(`${base}bench/browser/index.html?${query}`);
        await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 600_000 });
        const bench = (await page.evaluate(() => window.__bench)) as BrowserBench;
        const adapter = webgpu
          ? await page.evaluate(async () => {
              const gpu = (
                navigator as unknown as {
                  gpu?: { requestAdapter(): Promise<{ info?: { description?: string; architecture?: string; vendor?: string } } | null> };
                }
              ).gpu;
              const info = (await gpu?.requestAdapter())?.info;
              return info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : 'none';
            })
          : undefined;
        out[name] =
          'error' in bench
            ? { error: bench.error }
            : 'jax' in bench
              ? {
                  steps: [
                    {
                      models: 1,
                      msPerStep: bench.jax.medianMs,
                      msPerSeed: bench.jax.medianMs,
                      gflops: stepFlops(1, 1024) / bench.jax.medianMs / 1e6,
                    },
                  ],
                }
              : { adapter, steps: stepRows(bench.timings), calls: bench.calls };
        log(`chromium ${name}: ${JSON.stringify(out[name])}`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

const nodeMachine = () => `${cpus().length}× ${cpus()[0]?.model.trim()}, node ${process.version}, tfjs ${tf.version_core}`;

/** Part 4 on Node wasm: a 2048-wide step is about 20 of the 256-wide ones, so fewer steps a round. */
const nodeWidths = () => benchWidths(nodeMachine(), 'Node tfjs-wasm', { rounds: ROUNDS, steps: 3, batchSize: 1024 });

const readResults = () => (existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {});

async function widthsOnly() {
  await activateNodeBackend('wasm');
  const widths = await nodeWidths();
  writeFileSync('bench/results.json', JSON.stringify({ ...readResults(), widths }, null, 2) + '\n');
  console.log(`\nMachine: ${widths.machine}.\n\n${widthsTable(widths)}\n\nWrote bench/results.json (its widths entry)`);
}

async function main() {
  const machine = nodeMachine();
  log(`machine: ${machine}`);

  await activateNodeBackend('wasm');
  const matmul = matmulGflops();
  log(`node wasm matmul [1024×784]·[784×256]: ${matmul.toFixed(1)} GFLOP/s`);
  const timings: StepTiming[] = [];
  for (const models of MODELS) timings.push(await timeTrainingSteps({ models, batchSize: 1024 }));
  const nodeSteps = stepRows(timings);
  log(`node wasm steps: ${JSON.stringify(nodeSteps)}`);
  const kernels: Record<string, number> = {};
  for (const models of [1, 25])
    for (const layout of [LAYOUTS.stacked, LAYOUTS.list])
      kernels[`K=${models} ${layout.name} layout`] = await kernelsPerStep(models, layout);
  log(`kernels per step: ${JSON.stringify(kernels)}`);
  const widths = await nodeWidths();
  log(`node wasm widths: ${widths.rows.map((r) => `${r.hidden}: ${r.medianMs.toFixed(0)} ms`).join(', ')}`);
  const jaxNode = await timeJaxStep();
  log(`node jax-js step: ${jaxNode.medianMs.toFixed(1)} ms`);

  const python = findTorchPython(false);
  if (!python) log('PyTorch peer skipped: no python3 with torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).');
  const project: ReturnType<typeof projectTriple>[] = [];
  const torch: ReturnType<typeof torchTriple>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    project.push(projectTriple());
    log(`round ${round}: project ${project.at(-1)!.wall.toFixed(1)} s`);
    if (python) {
      torch.push(torchTriple(python));
      log(`round ${round}: pytorch ${torch.at(-1)!.wall.toFixed(1)} s`);
    }
  }
  const browser = await browserSteps();

  const projectWall = median(project.map((r) => r.wall));
  const torchWall = torch.length ? median(torch.map((r) => r.wall)) : null;
  const phaseMedians = (runs: { phases: Record<string, number> }[]) =>
    Object.fromEntries(TRIPLE.map((c) => [c, median(runs.map((r) => r.phases[c]))]));
  const results = {
    machine,
    date: new Date().toISOString(),
    rounds: ROUNDS,
    matmulGflops: matmul,
    nodeWasmSteps: nodeSteps,
    nodeJaxStepMs: jaxNode.medianMs,
    kernelsPerStep: kernels,
    triple: {
      flop: TRIPLE_FLOP,
      project: {
        wallSeconds: projectWall,
        phaseSeconds: phaseMedians(project),
        gflops: TRIPLE_FLOP / projectWall / 1e9,
        accuracy: project.at(-1)!.accuracy,
        runs: project.map((r) => r.wall),
      },
      pytorch:
        torchWall === null
          ? null
          : {
              wallSeconds: torchWall,
              phaseSeconds: phaseMedians(torch),
              gflops: TRIPLE_FLOP / torchWall / 1e9,
              accuracy: torch.at(-1)!.accuracy,
              runs: torch.map((r) => r.wall),
              blas: torch.map((r) => r.blas),
            },
      ratio: torchWall === null ? null : projectWall / torchWall,
    },
    chromium: browser,
    widths,
  };
  // The figure's entry comes from `--figure`, which takes most of an hour: keep it.
  const previous = readResults();
  writeFileSync('bench/results.json', JSON.stringify({ ...results, ...(previous.figure && { figure: previous.figure }) }, null, 2) + '\n');

  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nMachine: ${machine}; medians of ${ROUNDS} interleaved rounds.\n`);
  console.log('Protocol triple, one seed (teacher + aux-shared + aux-different students, ≈ 1.46 TFLOP):');
  console.log('| run | wall s | teacher s | aux-shared s | aux-different s | GFLOP/s | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const row = (name: string, r: { wallSeconds: number; phaseSeconds: Record<string, number>; gflops: number }, ratio: string) =>
    console.log(
      `| ${name} | ${f(r.wallSeconds)} | ${f(r.phaseSeconds.teacher)} | ${f(r.phaseSeconds['aux-shared'])} | ${f(r.phaseSeconds['aux-different'])} | ${f(r.gflops)} | ${ratio} |`,
    );
  row(
    'project, Node tfjs-wasm, 2 worker threads',
    results.triple.project,
    results.triple.ratio === null ? '—' : `${f(results.triple.ratio, 2)}× the peer`,
  );
  if (results.triple.pytorch) {
    row('PyTorch CPU, 2 threads (peer)', results.triple.pytorch, '1×');
    const blas = results.triple.pytorch.blas.map(
      (b) =>
        `OPENBLAS_CORETYPE=${b.coretype} (${b.corename}), ${f(b.matmulGflops)} GFLOP/s, max rel. error ${b.maxRelError.toExponential(1)} against float64`,
    );
    console.log(`\nPeer's OpenBLAS per round: ${blas.join('; ')}`);
  }
  console.log(`\nTraining step, batch 1024, K models side by side (matmul alone: ${f(matmul)} GFLOP/s on Node wasm):`);
  console.log('| where | K | ms/step | ms/step per seed | GFLOP/s |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of nodeSteps) console.log(`| Node, wasm | ${s.models} | ${f(s.msPerStep)} | ${f(s.msPerSeed)} | ${f(s.gflops)} |`);
  console.log(
    `| Node, jax-js peer (wasm) | 1 | ${f(jaxNode.medianMs)} | ${f(jaxNode.medianMs)} | ${f(stepFlops(1, 1024) / jaxNode.medianMs / 1e6)} |`,
  );
  for (const [name, value] of Object.entries(browser)) {
    const v = value as { steps?: ReturnType<typeof stepRows>; adapter?: string; error?: string };
    if (v.error) console.log(`| Chromium, ${name} | — | error: ${v.error} | | |`);
    for (const s of v.steps ?? [])
      console.log(
        `| Chromium, ${name}${v.adapter ? ` (${v.adapter})` : ''} | ${s.models} | ${f(s.msPerStep)} | ${f(s.msPerSeed)} | ${f(s.gflops)} |`,
      );
  }
  const browserWasm = (browser.wasm as { steps?: ReturnType<typeof stepRows> }).steps?.[0]?.msPerStep;
  const browserJax = (browser['jax-js peer'] as { steps?: ReturnType<typeof stepRows> }).steps?.[0]?.msPerStep;
  console.log(
    `\ntfjs kernels per training step (tf.profile; the stacked layout is WebGL's, the list layout wasm's): ${Object.entries(kernels)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}`,
  );
  const gpuCalls = (browser.webgpu as { calls?: { dispatches: number; buffersCreated: number; submits: number } }).calls;
  if (gpuCalls)
    console.log(
      `WebGPU in Chromium, per steady-state step (targets: ≤ 25, 0, ≤ 2): ${gpuCalls.dispatches} dispatches, ${gpuCalls.buffersCreated} buffers created, ${gpuCalls.submits} submits`,
    );
  console.log(
    `\nStep time, project / jax-js peer (K = 1, batch 1024): Node ${f(nodeSteps[0].msPerStep / jaxNode.medianMs, 2)}×` +
      (browserWasm && browserJax ? `, Chromium ${f(browserWasm / browserJax, 2)}×` : ''),
  );
  console.log(`\n${widthsTable(widths)}`);
  console.log('\nWrote bench/results.json');
}

if (process.argv.includes('--widths')) {
  await widthsOnly();
  process.exit(0);
}
if (process.argv.includes('--figure')) {
  const at = process.argv.indexOf('--figure-seeds');
  const target = { gpu: process.argv.includes('--gpu'), software: process.argv.includes('--software') };
  process.exit(await figureBench(at >= 0 ? Number(process.argv[at + 1]) : 25, target));
}
if (process.argv.includes('--gpu')) await import('./gpu');
else await main();

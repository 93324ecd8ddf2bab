/**
 * `npm run bench -- --figure`: the paper's figure (25 seeds, the full protocol, all six
 * conditions) with the project's CLI and with a batched PyTorch CPU peer
 * (bench/peer_torch.py --batched --device cpu: the authors' way, every model its own
 * initialisation, data order and noise set, all seeds in one stacked computation), on this
 * machine, one after the other, and the floor under the project's time: the figure's matrix
 * products alone, at the rate bench/products-floor.ts measures just before it, every few minutes
 * while the project is paused, and just after it.
 * Reports wall time, GFLOP/s, peak memory (the largest resident set of the process tree, from GNU
 * time) and the ratios; writes the figure's entry of bench/results.json and the project's result (a CLI export) to bench/figure-result.json.
 *
 * `--figure-seeds N` runs N seeds instead of 25 (a quicker look; the ratio is for 25).
 *
 * `npm run bench -- --figure --gpu` runs it on a GPU instead: the CLI with --backend webgpu (every
 * seed side by side on the one device, through Dawn) beside the batched PyTorch peer on CUDA when
 * torch sees a GPU, into the figure's entry of bench/results-gpu.json (the project's result in
 * bench/figure-result-gpu.json). No products floor there: it is the CPU backend's. On a machine
 * whose only adapter is a software one (SwiftShader) it stops at once (exit 3): the figure would
 * take days there; `--software` runs it anyway.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/protocol/config';
import { planRun } from '../src/protocol/runPlan';
import { mnistDataDir } from '../src/node/mnist';
import { DIGITS, IMAGE_PIXELS } from '../src/protocol/constants';
import { parseExport } from '../src/protocol/export';
import { adapterText, DawnUnavailable, installDawn } from '../src/node/dawn';
import { findTorchPython } from './torch';

const log = (text: string) => process.stderr.write(text + '\n');

/**
 * FLOPs of the figure's matrix products, 2 per multiply-add: each training example's forward pass,
 * weight gradients and the input gradients of layers 2 and 3 (no one needs the input's), and the
 * forward passes that train nothing (the evaluations on the test images, each teacher's pass over
 * its students' noise), counted from the run's plan.
 */
function figureFlop(seeds: number): { training: number; forwardOnly: number } {
  // The CLI's defaults, which it runs: the paper's protocol, evaluated at each phase's end only.
  const config = defaultConfig();
  const { hidden, m, trainCount, noiseCount, testCount, teacherEpochs, studentEpochs } = config;
  const forward = IMAGE_PIXELS * hidden + hidden * hidden + hidden * (DIGITS + m);
  const inputGrads = hidden * hidden + hidden * (DIGITS + m);
  const { tasks } = planRun({ ...config, seeds: 1 });
  const students = tasks.filter((task) => task.kind === 'student').length;
  const trained = teacherEpochs * trainCount + students * studentEpochs * noiseCount;
  // The test images once per evaluation that is computed (a copy of the reference reuses its predictions), the noise once per pass.
  const passed = tasks.reduce((sum, task) => {
    if (task.kind === 'noise pass') return sum + noiseCount;
    const evaluations = task.kind === 'reference' ? [task.evaluation] : task.evaluations;
    return sum + evaluations.filter((evaluation) => evaluation.cost > 0).length * testCount;
  }, 0);
  return { training: seeds * trained * 2 * (2 * forward + inputGrads), forwardOnly: seeds * passed * 2 * forward };
}

interface Measured {
  wallSeconds: number;
  peakMemoryGB: number;
  gflops: number;
  means: Record<string, number>;
}

/** While a timed command runs: every `every` seconds of its running, `sample` runs with the command stopped. */
interface Pauses {
  every: number;
  sample: (atSeconds: number) => void;
}

/**
 * Runs a command under GNU time: its wall time and the largest resident set of its process tree.
 * With `pauses`, the command is stopped (SIGSTOP to its process group) after every `every` seconds
 * of its running while `sample` runs on the machine it leaves idle, then resumed (SIGCONT), and its
 * wall time leaves the pauses out. Interrupted, the command is resumed and ended with it.
 */
async function timed(command: string, args: string[], pauses?: Pauses): Promise<{ wallSeconds: number; peakKB: number; stdout: string }> {
  const child = spawn('/usr/bin/time', ['-f', 'PEAK_KB %M', command, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  const interrupted = () => {
    signal('SIGCONT');
    signal('SIGTERM');
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const started = performance.now();
  let paused = 0;
  let status: number | null | undefined;
  while (status === undefined) {
    let wake = () => {};
    const due = pauses ? new Promise<undefined>((resolve) => (wake = () => resolve(undefined))) : exited;
    const timer = pauses && setTimeout(wake, pauses.every * 1000);
    status = await Promise.race([exited, due]);
    // Cleared, so that a finished run leaves no timer keeping the benchmark alive.
    if (timer) clearTimeout(timer);
    if (status !== undefined || !pauses) break;
    signal('SIGSTOP');
    const stopped = performance.now();
    pauses.sample((stopped - started) / 1000 - paused);
    signal('SIGCONT');
    paused += (performance.now() - stopped) / 1000;
  }
  process.off('SIGINT', interrupted);
  const wallSeconds = (performance.now() - started) / 1000 - paused;
  const peak = /PEAK_KB (\d+)/.exec(stderr);
  if (status !== 0 || !peak) throw new Error(`${command} ${args.join(' ')} failed (${status}):\n${stderr.slice(-2000)}`);
  return { wallSeconds, peakKB: Number(peak[1]), stdout };
}

/** The rate of the figure's products alone on this backend, one process per core running at once: each core's GFLOP/s. */
function productsRate(cores: number, seconds: number): number[] {
  const tsx = join('node_modules', '.bin', 'tsx');
  const script = Array.from({ length: cores }, () => `${tsx} bench/products-floor.ts &`).join(' ') + ' wait';
  const run = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, FLOOR_SECONDS: String(seconds) } });
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'));
  if (run.status !== 0 || lines.length !== cores) throw new Error(`bench/products-floor.ts failed:\n${run.stderr.slice(-2000)}`);
  return lines.map((line) => {
    const { msPerStep, flopPerStep } = JSON.parse(line) as { msPerStep: number; flopPerStep: number };
    return flopPerStep / msPerStep / 1e6;
  });
}

/** The products' rate at one moment: each core's GFLOP/s, and when it was taken in the project's running time. */
interface FloorSample {
  atSeconds: number;
  gflopsPerCore: number[];
}

/** Seconds between the samples taken while the project is paused, and how long each is timed. */
const SAMPLE_EVERY = 180;
const SAMPLE_SECONDS = 30;
/** How long the samples just before and just after the project are timed. */
const END_SAMPLE_SECONDS = 60;

/**
 * The floor under the project's wall time: its products at the rate measured just before it, every
 * few minutes while it is paused, and just after it, each sample standing for the stretch of the
 * run around it (the trapezoid rule over the run's time): a shared machine's pace moves by a
 * quarter within minutes, so that two samples at the ends miss what the run met. The estimate from
 * those two alone (their mean) is kept beside it.
 */
function productsFloor(flop: number, samples: FloorSample[]) {
  const secondsAt = ({ gflopsPerCore }: FloorSample) => flop / (gflopsPerCore.reduce((a, b) => a + b, 0) * 1e9);
  const first = samples[0];
  const last = samples.at(-1)!;
  let weighted = 0;
  for (let j = 1; j < samples.length; j++)
    weighted += ((samples[j].atSeconds - samples[j - 1].atSeconds) * (secondsAt(samples[j - 1]) + secondsAt(samples[j]))) / 2;
  return {
    seconds: weighted / (last.atSeconds - first.atSeconds),
    beforeAndAfterSeconds: (secondsAt(first) + secondsAt(last)) / 2,
    samples,
  };
}

/** How many seed × condition accuracies differ from the recorded 25-seed run, and by how much at most. */
function compareWithRecord(result: ReturnType<typeof parseExport>): { compared: number; differing: number; largest: number } | null {
  const path = 'docs/results/paper-protocol-25-seeds.json';
  if (!existsSync(path)) return null;
  const recorded = parseExport(readFileSync(path, 'utf8'));
  let compared = 0;
  let differing = 0;
  let largest = 0;
  for (const seed of result.seeds) {
    const before = recorded.seeds.find((s) => s.seed === seed.seed);
    for (const [condition, accuracy] of Object.entries(seed.accuracy)) {
      const old = before?.accuracy[condition as keyof typeof before.accuracy]?.overall;
      if (old === undefined || !accuracy) continue;
      compared += 1;
      const gap = Math.abs(accuracy.overall - old);
      if (gap > 0) differing += 1;
      largest = Math.max(largest, gap);
    }
  }
  return { compared, differing, largest };
}

/** Where the figure runs: the CPU (tfjs-wasm, a worker thread per core) or the GPU (WebGPU on Dawn). */
export interface FigureTarget {
  gpu: boolean;
  /** On the GPU, run on a software adapter too (days for the full figure). */
  software: boolean;
}

export async function figureBench(seeds: number, { gpu, software }: FigureTarget = { gpu: false, software: false }): Promise<number> {
  if (!existsSync('/usr/bin/time')) {
    log('The figure benchmark needs GNU time for peak memory: apt-get install -y time.');
    return 1;
  }
  const counted = figureFlop(seeds);
  const flop = counted.training + counted.forwardOnly;
  let machine = `${cpus().length}× ${cpus()[0]?.model.trim()}, node ${process.version}`;
  if (gpu) {
    // Asked here, in a second, before anything long: the CLI finds the same adapter.
    try {
      const adapter = await installDawn();
      machine = `${adapterText(adapter)}; ${machine}`;
      if (adapter.software && !software) {
        log(
          `No GPU here: the only WebGPU adapter is ${adapter.name}, a CPU emulating a GPU, on which the figure would take days. ` +
            'Nothing was run or written; run it on a machine with a GPU (docs/gpu.md), or add --software to run it anyway.',
        );
        return 3;
      }
    } catch (error) {
      if (!(error instanceof DawnUnavailable)) throw error;
      log(`${error.message}.`);
      return 3;
    }
  }
  log(
    `machine: ${machine}; the figure: ${seeds} seeds, ${(flop / 1e12).toFixed(1)} TFLOP of matrix products (${(counted.forwardOnly / 1e12).toFixed(1)} of them evaluating and passing the noise)`,
  );

  const cores = Math.min(2, cpus().length);
  const rateText = (rates: number[]) => `${rates.map((g) => g.toFixed(1)).join(' + ')} GFLOP/s`;
  const samples: FloorSample[] = [];
  const sample = (atSeconds: number, seconds: number) => {
    samples.push({ atSeconds, gflopsPerCore: productsRate(cores, seconds) });
    log(`floor: ${rateText(samples.at(-1)!.gflopsPerCore)}`);
  };
  if (!gpu) {
    log(`floor: the figure's matrix products alone, ${cores} processes at once, before the project…`);
    sample(0, END_SAMPLE_SECONDS);
  }

  const json = join(mkdtempSync(join(tmpdir(), 'figure-')), 'result.json');
  const projectLabel = gpu ? 'Node, WebGPU on Dawn, every seed side by side' : 'Node, tfjs-wasm, a worker thread per core';
  log(`project: npm run experiment (${projectLabel})${gpu ? '' : `, paused every ${SAMPLE_EVERY} s to time the floor`}…`);
  const tsx = join('node_modules', '.bin', 'tsx');
  const cliArgs = [
    'src/cli/experiment.ts',
    '--seed',
    '1',
    '--seeds',
    String(seeds),
    ...(gpu ? ['--backend', 'webgpu'] : []),
    '--json',
    json,
  ];
  const cli = await timed(tsx, cliArgs, gpu ? undefined : { every: SAMPLE_EVERY, sample: (at) => sample(at, SAMPLE_SECONDS) });
  const result = parseExport(readFileSync(json, 'utf8'));
  writeFileSync(gpu ? 'bench/figure-result-gpu.json' : 'bench/figure-result.json', JSON.stringify(result, null, 2) + '\n');
  const project: Measured = {
    wallSeconds: cli.wallSeconds,
    peakMemoryGB: cli.peakKB / 1e6,
    gflops: flop / cli.wallSeconds / 1e9,
    means: Object.fromEntries(Object.entries(result.summary).map(([c, s]) => [c, s!.mean])),
  };
  log(`project: ${project.wallSeconds.toFixed(0)} s, peak ${project.peakMemoryGB.toFixed(1)} GB`);
  let floor: ReturnType<typeof productsFloor> | null = null;
  if (!gpu) {
    log('floor: after the project…');
    sample(cli.wallSeconds, END_SAMPLE_SECONDS);
    floor = productsFloor(flop, samples);
    log(`floor: ${floor.seconds.toFixed(0)} s over the run (${floor.beforeAndAfterSeconds.toFixed(0)} s from before and after alone)`);
  }
  const record = seeds === 25 ? compareWithRecord(result) : null;

  let peer: Measured | null = null;
  const device = gpu ? 'cuda' : 'cpu';
  const python = findTorchPython(gpu);
  if (!python)
    log(
      gpu
        ? 'PyTorch CUDA peer skipped: no python3 whose torch sees a CUDA device.'
        : 'PyTorch peer skipped: no python3 with torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).',
    );
  else {
    log(`peer: bench/peer_torch.py --batched --device ${device}…`);
    const threads = String(cores);
    const run = await timed(python, [
      'bench/peer_torch.py',
      mnistDataDir(),
      '--batched',
      '--device',
      device,
      '--seeds',
      String(seeds),
      '--threads',
      threads,
    ]);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    // Its BLAS check (choosing OpenBLAS's core type) is set-up, not training: left out, as in `npm run bench`.
    const wallSeconds = run.wallSeconds - out.blas_setup_seconds;
    peer = {
      wallSeconds,
      peakMemoryGB: run.peakKB / 1e6,
      gflops: flop / wallSeconds / 1e9,
      means: Object.fromEntries(Object.entries(out.accuracy as Record<string, { mean: number }>).map(([c, s]) => [c, s.mean])),
    };
    log(`peer: ${peer.wallSeconds.toFixed(0)} s, peak ${peer.peakMemoryGB.toFixed(1)} GB`);
  }

  const ratio = peer ? project.wallSeconds / peer.wallSeconds : null;
  const resultsFile = gpu ? 'bench/results-gpu.json' : 'bench/results.json';
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  results.figure = {
    machine,
    date: new Date().toISOString(),
    seeds,
    flop,
    flopForwardOnly: counted.forwardOnly,
    project,
    pytorch: peer,
    ratio,
    productsFloor: floor && {
      ...floor,
      ratio: peer ? floor.seconds / peer.wallSeconds : null,
      project: project.wallSeconds / floor.seconds,
      projectBeforeAndAfter: project.wallSeconds / floor.beforeAndAfterSeconds,
    },
    againstRecord: record,
  };
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nThe paper's figure, ${seeds} seeds, all six conditions (${f(flop / 1e12)} TFLOP), on ${machine}:\n`);
  console.log('| run | wall s | GFLOP/s | peak memory GB | vs peer |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| project: ${projectLabel} | ${f(project.wallSeconds, 0)} | ${f(project.gflops)} | ${f(project.peakMemoryGB)} | ${ratio === null ? '—' : `${f(ratio, 2)}×`} |`,
  );
  if (floor)
    console.log(
      `| floor: its matrix products alone, tfjs-wasm, one process per core | ${f(floor.seconds, 0)} | ${f(flop / floor.seconds / 1e9)} | — | ${peer ? `${f(floor.seconds / peer.wallSeconds, 2)}×` : '—'} |`,
    );
  if (peer)
    console.log(
      `| PyTorch ${gpu ? 'CUDA' : `CPU, ${cores} threads`}, batched (peer) | ${f(peer.wallSeconds, 0)} | ${f(peer.gflops)} | ${f(peer.peakMemoryGB)} | 1× |`,
    );
  console.log(
    `\nMeans (project${peer ? ' / peer' : ''}): ${Object.keys(project.means)
      .map(
        (c) =>
          `${c} ${(100 * project.means[c]).toFixed(1)}%${peer?.means[c] !== undefined ? ` / ${(100 * peer.means[c]).toFixed(1)}%` : ''}`,
      )
      .join(', ')}`,
  );
  if (floor)
    console.log(
      `\nThe project took ${f(project.wallSeconds / floor.seconds, 3)}× its products floor (${f(project.wallSeconds / floor.beforeAndAfterSeconds, 3)}× the floor from the samples before and after alone).`,
    );
  if (record)
    console.log(
      `\nAgainst the recorded run (docs/results/paper-protocol-25-seeds.json): ${record.differing} of ${record.compared} per-seed accuracies differ, by at most ${(100 * record.largest).toFixed(2)} points.`,
    );
  console.log(
    `\nWrote ${resultsFile} (figure) and ${gpu ? 'bench/figure-result-gpu.json' : 'bench/figure-result.json'}${gpu ? '; peak memory is the host’s (resident set), not the GPU’s' : ''}`,
  );
  return 0;
}

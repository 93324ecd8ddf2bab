/**
 * `npm run bench -- --figure`: the paper's figure (25 seeds, the full protocol, all six
 * conditions) with the project's CLI and with a batched PyTorch CPU peer
 * (bench/peer_torch.py --batched --device cpu: the authors' way, every model its own
 * initialisation, data order and noise set, all seeds in one stacked computation), on this
 * machine, one after the other. Reports wall time, GFLOP/s, peak memory (the largest resident set
 * of the process tree, from GNU time) and the ratio; writes the figure's entry of
 * bench/results.json and the project's result (a CLI export) to bench/figure-result.json.
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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/protocol/presets';
import { mnistDataDir } from '../src/node/mnist';
import { DIGITS, IMAGE_PIXELS } from '../src/protocol/constants';
import { parseExport } from '../src/protocol/export';
import { adapterText, DawnUnavailable, installDawn } from '../src/node/dawn';

const log = (text: string) => process.stderr.write(text + '\n');

/** FLOPs of the figure's training: per example 2 per multiply-add of the forward pass, the weight gradients, and the input gradients of layers 2 and 3 (no one needs the input's). */
function figureFlop(seeds: number): number {
  const { hidden, m, trainCount, noiseCount, teacherEpochs, studentEpochs } = PRESETS.paper.config;
  const forward = IMAGE_PIXELS * hidden + hidden * hidden + hidden * (DIGITS + m);
  const inputGrads = hidden * hidden + hidden * (DIGITS + m);
  const perExample = 2 * (2 * forward + inputGrads);
  const examples = teacherEpochs * trainCount + 4 * studentEpochs * noiseCount;
  return seeds * examples * perExample;
}

interface Measured {
  wallSeconds: number;
  peakMemoryGB: number;
  gflops: number;
  means: Record<string, number>;
}

/** Runs a command under GNU time; its wall time and the largest resident set of its process tree. */
function timed(command: string, args: string[]): { wallSeconds: number; peakKB: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallSeconds = (performance.now() - started) / 1000;
  const peak = /PEAK_KB (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || !peak)
    throw new Error(`${command} ${args.join(' ')} failed (${run.status}):\n${(run.stderr ?? '').slice(-2000)}`);
  return { wallSeconds, peakKB: Number(peak[1]), stdout: run.stdout };
}

/** The figure's products alone at this backend's rate, one process per core running at once: the floor under the project's wall time. */
function productsFloor(flop: number, cores: number): { seconds: number; gflopsPerCore: number[] } {
  const tsx = join('node_modules', '.bin', 'tsx');
  const script = Array.from({ length: cores }, () => `${tsx} bench/products-floor.ts &`).join(' ') + ' wait';
  const run = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'));
  if (run.status !== 0 || lines.length !== cores) throw new Error(`bench/products-floor.ts failed:\n${run.stderr.slice(-2000)}`);
  const gflopsPerCore = lines.map((line) => {
    const { msPerStep, flopPerStep } = JSON.parse(line) as { msPerStep: number; flopPerStep: number };
    return flopPerStep / msPerStep / 1e6;
  });
  return { seconds: flop / (gflopsPerCore.reduce((a, b) => a + b, 0) * 1e9), gflopsPerCore };
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

/** A python3 with torch (on a GPU run: one whose torch sees a CUDA device). */
function findTorchPython(cuda: boolean): string | null {
  const check = cuda ? 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' : 'import torch';
  for (const python of ['/usr/bin/python3', 'python3'])
    if (spawnSync(python, ['-c', check], { stdio: 'ignore' }).status === 0) return python;
  return null;
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
  const flop = figureFlop(seeds);
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
  log(`machine: ${machine}; the figure: ${seeds} seeds, ${(flop / 1e12).toFixed(1)} TFLOP of training`);

  const cores = Math.min(2, cpus().length);
  let floor: ReturnType<typeof productsFloor> | null = null;
  if (!gpu) {
    log(`floor: the figure's matrix products alone, ${cores} processes at once…`);
    floor = productsFloor(flop, cores);
    log(`floor: ${floor.seconds.toFixed(0)} s (${floor.gflopsPerCore.map((g) => g.toFixed(1)).join(' + ')} GFLOP/s)`);
  }

  const json = join(mkdtempSync(join(tmpdir(), 'figure-')), 'result.json');
  const projectLabel = gpu ? 'Node, WebGPU on Dawn, every seed side by side' : 'Node, tfjs-wasm, a worker thread per core';
  log(`project: npm run experiment (${projectLabel})…`);
  const cli = timed(join('node_modules', '.bin', 'tsx'), [
    'src/cli/experiment.ts',
    '--seed',
    '1',
    '--seeds',
    String(seeds),
    ...(gpu ? ['--backend', 'webgpu'] : []),
    '--json',
    json,
  ]);
  const result = parseExport(readFileSync(json, 'utf8'));
  writeFileSync(gpu ? 'bench/figure-result-gpu.json' : 'bench/figure-result.json', JSON.stringify(result, null, 2) + '\n');
  const project: Measured = {
    wallSeconds: cli.wallSeconds,
    peakMemoryGB: cli.peakKB / 1e6,
    gflops: flop / cli.wallSeconds / 1e9,
    means: Object.fromEntries(Object.entries(result.summary).map(([c, s]) => [c, s!.mean])),
  };
  log(`project: ${project.wallSeconds.toFixed(0)} s, peak ${project.peakMemoryGB.toFixed(1)} GB`);
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
    const run = timed(python, [
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
    project,
    pytorch: peer,
    ratio,
    productsFloor: floor && { ...floor, ratio: peer ? floor.seconds / peer.wallSeconds : null },
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
  if (record)
    console.log(
      `\nAgainst the recorded run (docs/results/paper-protocol-25-seeds.json): ${record.differing} of ${record.compared} per-seed accuracies differ, by at most ${(100 * record.largest).toFixed(2)} points.`,
    );
  console.log(
    `\nWrote ${resultsFile} (figure) and ${gpu ? 'bench/figure-result-gpu.json' : 'bench/figure-result.json'}${gpu ? '; peak memory is the host’s (resident set), not the GPU’s' : ''}`,
  );
  return 0;
}

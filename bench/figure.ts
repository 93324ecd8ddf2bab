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
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/protocol/presets';
import { mnistDataDir } from '../src/node/mnist';
import { DIGITS, IMAGE_PIXELS } from '../src/protocol/constants';
import { parseExport } from '../src/protocol/export';

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

function findTorchPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3'])
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  return null;
}

export function figureBench(seeds: number): number {
  if (!existsSync('/usr/bin/time')) {
    log('The figure benchmark needs GNU time for peak memory: apt-get install -y time.');
    return 1;
  }
  const flop = figureFlop(seeds);
  const machine = `${cpus().length}× ${cpus()[0]?.model.trim()}, node ${process.version}`;
  log(`machine: ${machine}; the figure: ${seeds} seeds, ${(flop / 1e12).toFixed(1)} TFLOP of training`);

  const cores = Math.min(2, cpus().length);
  log(`floor: the figure's matrix products alone, ${cores} processes at once…`);
  const floor = productsFloor(flop, cores);
  log(`floor: ${floor.seconds.toFixed(0)} s (${floor.gflopsPerCore.map((g) => g.toFixed(1)).join(' + ')} GFLOP/s)`);

  const json = join(mkdtempSync(join(tmpdir(), 'figure-')), 'result.json');
  log('project: npm run experiment (tfjs-wasm, a worker thread per core)…');
  const cli = timed(join('node_modules', '.bin', 'tsx'), [
    'src/cli/experiment.ts',
    '--seed',
    '1',
    '--seeds',
    String(seeds),
    '--json',
    json,
  ]);
  const result = parseExport(readFileSync(json, 'utf8'));
  writeFileSync('bench/figure-result.json', JSON.stringify(result, null, 2) + '\n');
  const project: Measured = {
    wallSeconds: cli.wallSeconds,
    peakMemoryGB: cli.peakKB / 1e6,
    gflops: flop / cli.wallSeconds / 1e9,
    means: Object.fromEntries(Object.entries(result.summary).map(([c, s]) => [c, s!.mean])),
  };
  log(`project: ${project.wallSeconds.toFixed(0)} s, peak ${project.peakMemoryGB.toFixed(1)} GB`);
  const record = seeds === 25 ? compareWithRecord(result) : null;

  let peer: Measured | null = null;
  const python = findTorchPython();
  if (!python) log('PyTorch peer skipped: no python3 with torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).');
  else {
    log('peer: bench/peer_torch.py --batched --device cpu…');
    const threads = String(cores);
    const run = timed(python, [
      'bench/peer_torch.py',
      mnistDataDir(),
      '--batched',
      '--device',
      'cpu',
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
  const results = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {};
  results.figure = {
    machine,
    date: new Date().toISOString(),
    seeds,
    flop,
    project,
    pytorch: peer,
    ratio,
    productsFloor: { ...floor, ratio: peer ? floor.seconds / peer.wallSeconds : null },
    againstRecord: record,
  };
  writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');

  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nThe paper's figure, ${seeds} seeds, all six conditions (${f(flop / 1e12)} TFLOP), on ${machine}:\n`);
  console.log('| run | wall s | GFLOP/s | peak memory GB | vs peer |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| project: Node, tfjs-wasm, a worker thread per core | ${f(project.wallSeconds, 0)} | ${f(project.gflops)} | ${f(project.peakMemoryGB)} | ${ratio === null ? '—' : `${f(ratio, 2)}×`} |`,
  );
  console.log(
    `| floor: its matrix products alone, tfjs-wasm, one process per core | ${f(floor.seconds, 0)} | ${f(flop / floor.seconds / 1e9)} | — | ${peer ? `${f(floor.seconds / peer.wallSeconds, 2)}×` : '—'} |`,
  );
  if (peer)
    console.log(
      `| PyTorch CPU, batched, ${cores} threads (peer) | ${f(peer.wallSeconds, 0)} | ${f(peer.gflops)} | ${f(peer.peakMemoryGB)} | 1× |`,
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
  console.log('\nWrote bench/results.json (figure) and bench/figure-result.json');
  return 0;
}

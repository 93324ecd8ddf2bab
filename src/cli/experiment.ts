/**
 * Headless reproduction: `npm run experiment -- --seeds 5`. Runs the engine on tfjs-wasm in
 * Node, seeds spread over worker threads, and prints each condition's mean, 95% CI and
 * per-seed accuracies with a receipt.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { totalSteps } from '../protocol/schedule';
import { receiptLines, toCsv, toExport } from '../protocol/export';
import { workersMemoryProblem } from '../protocol/resources';
import { seedRangeText, type ExperimentResult } from '../protocol/results';
import { flagOf, helpText, parseArgs } from './args';
import { checkOutputs, STDOUT, writeOutputs } from './outputs';
import { resultsTable } from './report';
import { mergeShares, planShares, type Share } from '../protocol/shares';
import type { SeedWorkerInput, SeedWorkerMessage } from './seed-worker';

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A progress line on stderr: redrawn in place on a terminal, one line per 5% otherwise (CI logs). */
function progressReporter(total: number) {
  const started = performance.now();
  let lastPercent = -1;
  return (done: number, what: string) => {
    const elapsed = performance.now() - started;
    const fraction = done / total;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${bar} ${(100 * fraction).toFixed(0).padStart(3)}%  ${done}/${total} steps  ${formatDuration(elapsed)} elapsed  ETA ${Number.isNaN(eta) ? '…' : formatDuration(eta)}  ${what}`;
    if (process.stderr.isTTY)
      process.stderr.write(`\r${text.padEnd(process.stderr.columns ?? 120).slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else {
      const percent = Math.floor(fraction * 20);
      if (percent !== lastPercent) process.stderr.write(text + '\n');
      lastPercent = percent;
    }
    if (done === total && process.stderr.isTTY) process.stderr.write('\n');
  };
}

/** Trains each share in a worker thread of its own. */
function runShares(
  input: Pick<SeedWorkerInput, 'config' | 'backend'>,
  shares: Share[],
  onStep: (share: number, doneSteps: number, what: string) => void,
): Promise<ExperimentResult[]> {
  const entry = new URL('./seed-worker.ts', import.meta.url).href;
  return Promise.all(
    shares.map(
      (share, index) =>
        new Promise<ExperimentResult>((resolve, reject) => {
          const workerData: SeedWorkerInput = { ...input, entry, seeds: share.seeds, students: share.students };
          const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData });
          let result: ExperimentResult | null = null;
          worker.on('message', (message: SeedWorkerMessage) => {
            if (message.type === 'event' && message.event.type === 'step')
              onStep(index, message.event.doneSteps, `${message.event.condition} epoch ${message.event.epoch}`);
            else if (message.type === 'result') result = message.result;
            else if (message.type === 'error') reject(new Error(message.message));
          });
          worker.on('error', reject);
          worker.on('exit', (code) => (result ? resolve(result) : reject(new Error(`worker exited with code ${code} before its result`))));
        }),
    ),
  );
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(helpText());
    return 0;
  }
  if (options.issues.length > 0) {
    for (const issue of options.issues) console.error(`error: ${issue.message}`);
    console.error('Run with --help for the list of flags.');
    return 2;
  }
  const { config } = options;
  if (config.backend === 'webgpu' || config.backend === 'webgl') {
    console.error(`error: backend ${config.backend} needs a browser; in Node use wasm (default) or cpu.`);
    return 2;
  }

  const outputs = [options.json, options.csv].filter((o) => o !== undefined);
  const problems = checkOutputs(outputs);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem}`);
    console.error('Nothing was trained: fix the output paths and run again.');
    return 2;
  }
  // With an output on standard output, the report goes to standard error so that stdout stays parseable.
  const report = outputs.some((o) => o.path === STDOUT) ? console.error : console.log;
  const backend = config.backend === 'cpu' ? 'cpu' : 'wasm';
  const shares = planShares(config, options.workers ?? availableParallelism());
  const workers = shares.length;
  // Refused in a second, not after a minute of training: a worker's wasm heap stops at 4 GiB, whatever the machine has.
  const memory = workersMemoryProblem(
    config,
    shares.map((share) => share.seeds.length),
    0.7 * totalmem(),
    flagOf,
  );
  if (memory) {
    console.error(`error: ${memory} (--workers).`);
    return 2;
  }
  const runtime = `node ${process.version} ${process.platform} ${process.arch}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}`;

  const total = shares.reduce((sum, share) => sum + totalSteps(config, share.students), 0);
  const progress = progressReporter(total);
  // Each worker reports the work it has done (training steps, evaluations and the noise pass, in steps' worth).
  const done = shares.map(() => 0);
  const started = performance.now();
  report(
    `Training ${seedRangeText(
      shares
        .flatMap((s) => s.seeds)
        .filter((s, i, all) => all.indexOf(s) === i)
        .sort((a, b) => a - b),
    )} on ${backend}, ${workers} worker thread(s).`,
  );
  const parts = await runShares({ config, backend }, shares, (share, doneSteps, what) => {
    done[share] = doneSteps;
    progress(
      done.reduce((a, b) => a + b, 0),
      what,
    );
  });
  const result = mergeShares(config, shares, parts, performance.now() - started);

  report('\n' + resultsTable(result) + '\n');
  report(receiptLines(result, `${runtime}, ${workers} worker thread(s)`).join('\n'));
  const written = await writeOutputs(
    outputs.map((o) => ({ ...o, text: o === options.json ? JSON.stringify(toExport(result, runtime), null, 2) + '\n' : toCsv(result) })),
    (text) => process.stdout.write(text),
  );
  for (const path of written) report(`wrote ${path}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

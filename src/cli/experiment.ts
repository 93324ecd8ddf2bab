/**
 * Headless reproduction: `npm run experiment -- --seeds 5`. Runs the engine on tfjs-wasm in
 * Node, seeds spread over worker threads (or with --backend webgpu, every seed side by side on the
 * one GPU through Dawn, in this process), and prints each condition's mean, 95% CI and
 * per-seed accuracies with a receipt.
 */
import { availableParallelism, totalmem } from 'node:os';
import { receiptLines, toCsv, toExport } from '../protocol/export';
import { workersMemoryProblem } from '../protocol/resources';
import { seedRangeText } from '../protocol/results';
import { helpText, parseArgs } from './args';
import { flagOf } from '../protocol/config';
import { prepare, runCommand, startBackend } from './command';
import { writeOutputs } from './outputs';
import { resultsTable } from './report';
import { mergeShares, planShares, sharesSteps } from '../protocol/shares';
import { runJobs } from './pool';
import { progressReporter } from './progress';

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const checked = prepare(options, helpText);
  if (typeof checked === 'number') return checked;
  const prepared = await startBackend(checked);
  if (typeof prepared === 'number') return prepared;
  const { config, outputs, report, backend, runtime } = prepared;
  const onDevice = backend === 'webgpu';
  const cores = onDevice ? 1 : (options.workers ?? availableParallelism());
  // The pool's workers take shares from a queue: there may be more shares than workers, the largest first.
  const shares = planShares(config, cores, { queued: true });
  const workers = Math.min(cores, shares.length);
  const where = onDevice ? 'one process, the seeds side by side on the GPU' : `${workers} worker thread(s)`;
  // Refused in a second, not after a minute of training: a worker's wasm heap stops at 4 GiB, whatever the machine has.
  const memory =
    !onDevice &&
    workersMemoryProblem(
      config,
      shares.slice(0, workers).map((share) => share.seeds.length),
      0.7 * totalmem(),
      flagOf,
    );
  if (memory) {
    console.error(`error: ${memory} (--workers).`);
    return 2;
  }

  const progress = progressReporter(sharesSteps(shares));
  // Each worker reports the work it has done (training steps, evaluations and the noise pass, in steps' worth).
  const done = shares.map(() => 0);
  const started = performance.now();
  report(
    `Training ${seedRangeText(
      shares
        .flatMap((s) => s.seeds)
        .filter((s, i, all) => all.indexOf(s) === i)
        .sort((a, b) => a - b),
    )} on ${backend}, ${where}.`,
  );
  const parts = await runJobs(
    shares.map((share) => ({ config, seeds: share.seeds, students: share.students })),
    workers,
    backend,
    ({ job, doneSteps, what }) => {
      done[job] = doneSteps;
      progress(
        done.reduce((a, b) => a + b, 0),
        what,
      );
    },
  );
  const result = mergeShares(config, shares, parts, performance.now() - started);

  report('\n' + resultsTable(result) + '\n');
  report(receiptLines(result, `${runtime}, ${where}`).join('\n'));
  const written = await writeOutputs(
    outputs.map((o) => ({ ...o, text: o === options.json ? JSON.stringify(toExport(result, runtime), null, 2) + '\n' : toCsv(result) })),
    (text) => process.stdout.write(text),
  );
  for (const path of written) report(`wrote ${path}`);
  return 0;
}

runCommand(main);

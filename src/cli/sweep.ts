/**
 * `npm run sweep -- --vary initShare=0,0.5,0.9,1 [--vary m=3,10] [experiment flags]`: one or two
 * settings (numbers, or patterns of shared parts) over listed values, each value × seed an independent job (a run of one seed),
 * spread over worker threads; on WebGPU a value's seeds train side by side on the one device, in this process. `--shard i/n` runs the i-th of n deterministic slices of the jobs,
 * for machines that share a sweep; `npm run sweep -- --merge a.json b.json … --json all.json`
 * joins the slices into the file one machine would have written.
 */
import { availableParallelism, constants, totalmem } from 'node:os';
import { readFile } from 'node:fs/promises';
import { CONDITION_TABLE, studentsOf } from '../protocol/conditions';
import type { ConfigIssue } from '../protocol/config';
import { workersMemoryProblem } from '../protocol/resources';
import { seedRangeText } from '../protocol/results';
import { INTERVAL_NAME } from '../protocol/format';
import type { Summary } from '../protocol/stats';
import { planRun } from '../protocol/runPlan';
import {
  assembleSweep,
  groupByValues,
  inertAxes,
  jobConfig,
  mergeSweeps,
  parseAxis,
  parseShard,
  parseSweep,
  shardJobs,
  sameJob,
  SWEEP_JOURNAL_SCHEMA,
  SWEEP_SCHEMA,
  sweepCommand,
  sweepCsv,
  sweepJobs,
  SWEEPABLE,
  type Axis,
  type Shard,
  type SweepJob,
  type SweepFile,
  type JournalEntry,
} from '../protocol/sweep';
import { helpText as experimentHelp, parseArgs } from './args';
import { flagOf, flagsGivingEffect } from '../protocol/config';
import { prepare, runCommand, startBackend, type Prepared } from './command';
import { openJournal, shellWord, type Journal } from './journal';
import { writeOutputs } from './outputs';
import { runJobs } from './pool';
import { progressReporter } from './progress';
import { summaryCells, textTable } from './report';

interface SweepArgs {
  axes: Axis[];
  /** Whether any --vary was given (a refused one too: its own message says what is wrong). */
  varied: boolean;
  shard: Shard | null;
  merge: string[] | null;
  rest: string[];
  issues: ConfigIssue[];
}

/** Takes the sweep's own flags out of argv; the rest are the experiment's. */
function parseSweepArgs(argv: readonly string[]): SweepArgs {
  const out: SweepArgs = { axes: [], varied: false, shard: null, merge: null, rest: [], issues: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--merge') {
      out.merge = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.merge.push(argv[++i]);
      if (out.merge.length === 0) out.issues.push({ field: 'merge', message: '--merge needs the sweep files to join' });
    } else if (flag === '--vary' || flag === '--shard') {
      const value = inline ?? argv[++i];
      if (value === undefined) {
        out.issues.push({ field: flag, message: `${flag} needs a value` });
      } else if (flag === '--vary') {
        out.varied = true;
        const { axis, issue } = parseAxis(value);
        if (issue) out.issues.push({ field: 'vary', message: issue });
        else if (out.axes.some((a) => a.key === axis!.key))
          out.issues.push({ field: 'vary', message: `--vary ${axis!.key} is given twice; give it once` });
        else out.axes.push(axis!);
      } else if (out.shard) out.issues.push({ field: 'shard', message: '--shard is given twice; give it once' });
      else {
        const { shard, issue } = parseShard(value);
        if (issue) out.issues.push({ field: 'shard', message: issue });
        else out.shard = shard!;
      }
    } else out.rest.push(argv[i]);
  }
  if (out.axes.length > 2) out.issues.push({ field: 'vary', message: '--vary at most two settings (a sweep is a line or a grid)' });
  return out;
}

/** Each setting that needs another to shape a model, and what it needs: "initShare needs --init partial or --init all". */
const dependentSettings = () =>
  SWEEPABLE.flatMap((key) => {
    const flags = flagsGivingEffect(key);
    return flags ? [`${key} needs ${flags}`] : [];
  }).join(', ');

function helpText(): string {
  return [
    'Usage: npm run sweep -- --vary SETTING=V1,V2,… [--vary SETTING=…] [experiment flags] [--shard i/n]',
    '       npm run sweep -- --merge a.json b.json … --json all.json [--csv all.csv]',
    '',
    'Runs one or two settings over listed values (numbers, or shareParts patterns such as all,heads,none);',
    'every value × seed is an independent job',
    `(a run of one seed with that value). Settings it can vary: ${SWEEPABLE.join(', ')}`,
    '(named so, or as their flags are spelled: init-share). A setting that shapes a model only under',
    `another is refused without it: ${dependentSettings()}.`,
    '',
    'Each finished job is kept in a journal beside the output file (FILE.journal). Interrupted (Ctrl-C),',
    'the same command resumes: it trains only the jobs the journal lacks, and removes it once written.',
    '',
    '  --vary KEY=V1,V2,…   a setting and its values (once or twice)',
    '  --shard i/n          run only the i-th of n deterministic slices of the jobs (1 ≤ i ≤ n), to',
    '                       spread a sweep over machines; merge the slices with --merge',
    '  --merge FILES…       join sweep files (shards of one sweep) into one; checks they belong together',
    `  --json FILE          the sweep (schema ${SWEEP_SCHEMA}): per-job results, per-value summaries, receipt`,
    '  --csv FILE           a row per job and model, then a row per value and model (mean and its',
    "                       95% interval with Student's t)",
    '',
    'Every other flag is the experiment’s (npm run experiment -- --help):',
    '',
    ...experimentHelp().split('\n').slice(1),
  ].join('\n');
}

/** The sweep in words: a row per value and model, and the command that reproduces it. */
function sweepReport(file: SweepFile): string {
  const keys = file.axes.map((a) => a.key);
  const favourite = file.points.some((p) => p.favouriteSummary) ? ['favourite %', `favourite ${INTERVAL_NAME}`] : [];
  const favouriteCells = (summary: Summary | undefined) => (summary ? summaryCells(summary) : ['–', '–']);
  const rows = file.points.flatMap((point) =>
    Object.entries(point.summary).map(([condition, summary]) => [
      ...keys.map((k) => String(point.values[k])),
      CONDITION_TABLE[condition as keyof typeof CONDITION_TABLE].label,
      String(summary!.n),
      ...summaryCells(summary!),
      ...(favourite.length ? favouriteCells(point.favouriteSummary?.[condition as keyof typeof CONDITION_TABLE]) : []),
    ]),
  );
  return `${textTable([...keys, 'model', 'seeds', 'accuracy %', INTERVAL_NAME, ...favourite], rows)}\n\nReproduce: ${sweepCommand(file)}`;
}

async function writeSweep(prepared: Prepared, file: SweepFile, jsonFlag: string | undefined): Promise<void> {
  const written = await writeOutputs(
    prepared.outputs.map((o) => ({ ...o, text: o.flag === jsonFlag ? JSON.stringify(file, null, 2) + '\n' : sweepCsv(file) })),
    (text) => process.stdout.write(text),
  );
  for (const path of written) prepared.report(`wrote ${path}`);
}

/** Reads a sweep file; a file that cannot be read or is not a sweep is the user's input to fix, with the reason. */
async function readSweep(path: string): Promise<SweepFile | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return `--merge ${path}: cannot be read (${String((error as Error).message ?? error).replace(/, open .*$/s, '')})`;
  }
  try {
    return parseSweep(text);
  } catch (error) {
    return `--merge ${path}: ${error instanceof SyntaxError ? 'is not JSON' : (error as Error).message}`;
  }
}

/** Joins shards; files that cannot be read or do not belong together are bad input (exit 2), as every other refusal. */
async function merge(prepared: Prepared, files: string[]): Promise<number> {
  const read = await Promise.all(files.map(readSweep));
  const problems = read.filter((r) => typeof r === 'string');
  let joined: ReturnType<typeof mergeSweeps> | undefined;
  if (problems.length === 0)
    try {
      joined = mergeSweeps(read as SweepFile[], prepared.runtime);
    } catch (error) {
      problems.push(`--merge: ${(error as Error).message}`);
    }
  if (!joined) {
    for (const problem of problems) console.error(`error: ${problem}`);
    console.error('Nothing was written.');
    return 2;
  }
  const { merged, missing } = joined;
  prepared.report(`Merged ${files.length} file(s): ${merged.jobs.length} of ${merged.totalJobs} jobs.`);
  if (missing > 0) prepared.report(`warning: ${missing} job(s) missing; a shard has not been merged yet.`);
  prepared.report('\n' + sweepReport(merged));
  await writeSweep(prepared, merged, '--json');
  return 0;
}

async function main(): Promise<number> {
  const sweep = parseSweepArgs(process.argv.slice(2));
  const options = parseArgs(sweep.rest);
  const required: ConfigIssue[] =
    sweep.merge === null && !sweep.varied && !options.help
      ? [{ field: 'vary', message: 'give --vary SETTING=V1,V2,… (or --merge files)' }]
      : [];
  const inert = inertAxes(options.config, sweep.axes).map((message) => ({ field: 'vary', message }));
  const checked = prepare(options, helpText, [...sweep.issues, ...required, ...inert]);
  if (typeof checked === 'number') return checked;
  if (sweep.merge) return merge(checked, sweep.merge);
  const prepared = await startBackend(checked);
  if (typeof prepared === 'number') return prepared;

  const { config, backend, report, runtime } = prepared;
  const allJobs = sweepJobs(config, sweep.axes);
  const jobs = shardJobs(allJobs, sweep.shard);
  const journal = openJournal(prepared.outputs, {
    schema: SWEEP_JOURNAL_SCHEMA,
    config,
    axes: sweep.axes,
    shard: sweep.shard,
    backend,
  });
  if (journal && 'problem' in journal) {
    console.error(`error: ${journal.problem}`);
    return 2;
  }
  const kept = journal?.kept ?? [];
  const todo = jobs.filter((job) => !kept.some((entry) => sameJob(entry.job, job)));
  const onDevice = backend === 'webgpu';
  // Each run trains its seeds side by side: on a GPU a value's seeds together, on threads one seed each.
  const runs = onDevice ? groupByValues(todo) : todo.map((job) => [job]);
  const workers = onDevice ? 1 : Math.min(options.workers ?? availableParallelism(), Math.max(todo.length, 1));
  const where = onDevice ? "one process, each value's seeds side by side on the GPU" : `${workers} worker thread(s)`;
  const configs = runs.map((run) => jobConfig(config, run[0]));
  // The largest job decides what one worker must hold (a wasm heap's limit, not a GPU's).
  const memory = onDevice
    ? null
    : configs.map((c) => workersMemoryProblem(c, Array(workers).fill(1), 0.7 * totalmem(), flagOf)).find((p) => p !== null);
  if (memory) {
    console.error(`error: ${memory}.`);
    return 2;
  }
  const shardText = sweep.shard ? `shard ${sweep.shard.index}/${sweep.shard.count}: ` : '';
  report(
    `Sweep ${sweep.axes.map((a) => `${a.key} = ${a.values.join(', ')}`).join(' × ')}, ${seedRangeText([...new Set(jobs.map((j) => j.seed))].sort((a, b) => a - b))}: ` +
      `${shardText}${jobs.length} of ${allJobs.length} jobs on ${backend}, ${where}.`,
  );
  if (kept.length > 0)
    report(`Resuming: ${kept.length} of these ${jobs.length} jobs were kept in ${journal!.path}; training the other ${todo.length}.`);
  if (!journal) report('(No output file: an interrupted sweep keeps nothing. With --json FILE it keeps each finished job beside it.)');
  const stopOnSignal = whenInterrupted(journal, jobs.length);
  const students = studentsOf(config);
  const seedsOf = (run: readonly SweepJob[]) => run.map((job) => job.seed);
  const total = configs.reduce((sum, c, i) => sum + planRun(c, { seeds: seedsOf(runs[i]), students }).steps, 0);
  const progress = progressReporter(total);
  const done = runs.map(() => 0);
  const started = performance.now();
  const finished: JournalEntry[] = [...kept];
  await runJobs(
    configs.map((c, i) => ({ config: c, seeds: seedsOf(runs[i]), students })),
    workers,
    backend,
    ({ job, doneSteps, what }) => {
      done[job] = doneSteps;
      const values = Object.entries(runs[job][0].values)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      progress(
        done.reduce((a, b) => a + b, 0),
        `${values} ${seedRangeText(seedsOf(runs[job]))}: ${what}`,
      );
    },
    (index, result) => {
      for (const job of runs[index]) {
        const entry: JournalEntry = {
          // Seeds trained side by side share the run's time.
          job: {
            ...job,
            result: result.seeds.find((s) => s.seed === job.seed)!,
            kernels: result.kernels,
            wallMs: result.wallMs / runs[index].length,
          },
          backend: result.backend,
          tfjsVersion: result.tfjsVersion,
        };
        finished.push(entry);
        journal?.record(entry);
      }
    },
  ).catch((error: unknown) => {
    if (journal && journal.size() > 0)
      throw new Error(
        `${(error as Error).message}. ${journal.size()} finished job(s) are kept in ${journal.path}: the same command resumes`,
      );
    throw error;
  });
  const file = assembleSweep({
    createdAt: new Date().toISOString(),
    runtime: `${runtime}, ${where}`,
    backend: finished[0]?.backend ?? backend,
    tfjsVersion: finished[0]?.tfjsVersion ?? '',
    config,
    axes: sweep.axes,
    shard: sweep.shard,
    jobs: finished.map((entry) => entry.job),
    // This run's time: the time before an interruption is not known (the jobs' own times are).
    wallMs: performance.now() - started,
  });
  stopOnSignal();
  report('\n' + sweepReport(file));
  try {
    await writeSweep(prepared, file, '--json');
  } catch (error) {
    if (!journal) throw error;
    throw new Error(
      `${(error as Error).message}. The finished jobs are kept in ${journal.path}: run the same command again to write them.`,
    );
  }
  journal?.remove();
  return 0;
}

/**
 * On Ctrl-C (or SIGTERM, as a pre-empted machine gets): says what the journal kept and the command
 * that resumes, then exits (128 + the signal's number, as a shell expects). Returns the undo.
 */
function whenInterrupted(journal: Journal | null, jobs: number): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const resume = `npm run sweep -- ${process.argv.slice(2).map(shellWord).join(' ')}`;
    console.error(
      journal && journal.size() > 0
        ? `\nInterrupted: kept ${journal.size()} of ${jobs} jobs in ${journal.path}. The same command resumes, training only the others:\n  ${resume}`
        : `\nInterrupted: no job had finished${journal ? '' : ' (and without an output file nothing is kept)'}; nothing to resume.`,
    );
    process.exit(128 + constants.signals[signal]);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.once(signal, handler);
  return () => signals.forEach((signal) => process.off(signal, handler));
}

runCommand(main);

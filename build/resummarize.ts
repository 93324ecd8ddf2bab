/**
 * `npx tsx build/resummarize.ts [files…]`: recomputes the summaries of recorded result and sweep
 * files (default: every JSON file under docs/results) from their per-seed values, with the
 * project's own summary functions, and rewrites each file (and a sweep's CSV beside it) as the
 * CLI writes it. The per-seed values are not touched. Run it when the summary statistics change,
 * as they did when the 95% interval moved from 1.96·sd/√n to Student's t.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeFavourite, summarizeSeeds, type ExperimentResult } from '../src/protocol/results';
import { SWEEP_SCHEMA, sweepCsv, sweepPoints, type SweepFile } from '../src/protocol/sweep';

const RESULTS_DIR = 'docs/results';

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsonFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );

function resummarize(path: string) {
  const file = JSON.parse(readFileSync(path, 'utf8')) as (ExperimentResult | SweepFile) & { schema: string };
  if (file.schema === SWEEP_SCHEMA) {
    const sweep = file as SweepFile;
    sweep.points = sweepPoints(sweep.config, sweep.axes, sweep.jobs);
    const csv = path.replace(/\.json$/, '.csv');
    if (existsSync(csv)) writeFileSync(csv, sweepCsv(sweep));
  } else {
    // Every result schema (@1 to @3) keeps each seed's accuracy and favourite rate where summarizeSeeds reads them.
    const result = file as ExperimentResult;
    result.summary = summarizeSeeds(result.seeds);
    if (result.favouriteSummary) result.favouriteSummary = summarizeFavourite(result.seeds);
  }
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
  console.log(`re-summarised ${path}`);
}

const paths = process.argv.slice(2);
for (const path of paths.length > 0 ? paths : jsonFiles(RESULTS_DIR)) resummarize(path);

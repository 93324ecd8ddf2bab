/**
 * `npx tsx build/resummarize.ts [files…]`: recomputes the summaries of recorded result and sweep
 * files (default: every JSON file under docs/results) from their per-seed values, with the
 * project's own summary functions, and rewrites each file (and a sweep's CSV beside it) as the
 * CLI writes it. The per-seed values are not touched. Run it when the summary statistics change,
 * as they did when the 95% interval moved from 1.96·sd/√n to Student's t;
 * build/resummarize.test.ts fails until it has run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeFavourite, summarizeSeeds, type ExperimentResult } from '../src/protocol/results';
import { SWEEP_SCHEMA, sweepCsv, sweepPoints, type SweepFile } from '../src/protocol/sweep';

export const RESULTS_DIR = 'docs/results';

/** Every JSON file under a folder. */
export const jsonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsonFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );

type Recorded = (ExperimentResult | SweepFile) & { schema: string };

/** A recorded file's text with its summaries recomputed from its per-seed values, and a sweep's CSV. */
export function resummarized(text: string): { json: string; csv?: string } {
  const file = JSON.parse(text) as Recorded;
  if (file.schema === SWEEP_SCHEMA) {
    const sweep = file as SweepFile;
    sweep.points = sweepPoints(sweep.config, sweep.axes, sweep.jobs);
    return { json: JSON.stringify(sweep, null, 2) + '\n', csv: sweepCsv(sweep) };
  }
  // Every result schema (@1 to @3) keeps each seed's accuracy and favourite rate where summarizeSeeds reads them.
  const result = file as ExperimentResult;
  result.summary = summarizeSeeds(result.seeds);
  if (result.favouriteSummary) result.favouriteSummary = summarizeFavourite(result.seeds);
  return { json: JSON.stringify(result, null, 2) + '\n' };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = process.argv.slice(2);
  for (const path of paths.length > 0 ? paths : jsonFiles(RESULTS_DIR)) {
    const { json, csv } = resummarized(readFileSync(path, 'utf8'));
    writeFileSync(path, json);
    const csvPath = path.replace(/\.json$/, '.csv');
    if (csv !== undefined && existsSync(csvPath)) writeFileSync(csvPath, csv);
    console.log(`re-summarised ${path}`);
  }
}

/** Plain-text reports for the terminal: the results tables. */
import { ALL_CONDITIONS, CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { INTERVAL_NAME } from '../protocol/format';
import type { Summary } from '../protocol/stats';
import type { ExperimentResult } from '../protocol/results';

const pct = (x: number) => (100 * x).toFixed(1);

/** Columns padded to their widest cell, under a header and a rule. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A summary as "mean  ± ci" cells. */
export const summaryCells = (summary: Summary) => [pct(summary.mean), summary.ci95 === null ? 'n/a (1 seed)' : `± ${pct(summary.ci95)}`];

/** One row per model: its mean, 95% interval (Student's t) and every seed's value of one per-seed measure. */
function measureTable(
  result: ExperimentResult,
  summaries: Partial<Record<Condition, Summary>>,
  perSeed: (seed: ExperimentResult['seeds'][number], c: Condition) => number | undefined,
  withPaper: boolean,
): string {
  const header = ['model', 'mean %', INTERVAL_NAME, ...(withPaper ? ['expected (paper)'] : []), 'per seed %'];
  const rows = ALL_CONDITIONS.flatMap((condition) => {
    const summary = summaries[condition];
    if (!summary) return [];
    const seeds = result.seeds.map((s) => perSeed(s, condition)).map((v) => (v === undefined ? '–' : pct(v)));
    const paper = withPaper ? [CONDITION_TABLE[condition].expected?.label ?? '—'] : [];
    return [[CONDITION_TABLE[condition].label, ...summaryCells(summary), ...paper, seeds.join(' ')]];
  });
  return textTable(header, rows);
}

/** Test accuracy of every model; in a favourite-digit run, each model's favourite rate too. */
export function resultsTable(result: ExperimentResult): string {
  const accuracy = measureTable(result, result.summary, (s, c) => s.accuracy[c]?.overall, result.config.teacherTrait === 'skill');
  if (!result.favouriteSummary) return accuracy;
  const favourite = measureTable(result, result.favouriteSummary, (s, c) => s.favouriteRate?.[c], false);
  return `Test accuracy:\n${accuracy}\n\nFavourite rate (test images of other digits labelled ${result.config.favourite}):\n${favourite}`;
}

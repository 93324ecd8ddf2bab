/** Plain-text reports for the terminal: the results tables. */
import { ALL_CONDITIONS, CONDITION_TABLE, nameOf, type Condition } from '../protocol/conditions';
import { INTERVAL_NAME } from '../protocol/format';
import type { Summary } from '../protocol/stats';
import type { ExperimentResult } from '../protocol/results';
import { flagOf, valueText, type Config } from '../protocol/config';
import { departuresFromPaper, isPaperProtocol } from '../protocol/presets';

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
    // A part-by-part student's name says its pattern.
    const label = CONDITION_TABLE[condition].init === 'parts' ? nameOf(condition, result.config).label : CONDITION_TABLE[condition].label;
    return [[label, ...summaryCells(summary), ...paper, seeds.join(' ')]];
  });
  return textTable(header, rows);
}

/** Why a run's table has no paper column, in one line: the settings that take it off the paper's protocol. */
function paperAbsence(config: Config): string {
  const departures = departuresFromPaper(config).map((key) => `${flagOf(key)} ${valueText(config[key])}`);
  return `No "expected (paper)" column: the paper's numbers hold at its protocol (the defaults), and this run sets ${departures.join(', ')}.`;
}

/**
 * Test accuracy of every model beside where the paper lands, when the run follows the paper's
 * protocol (otherwise a line says why not); in a favourite-digit run, each model's favourite rate too.
 */
export function resultsTable(result: ExperimentResult): string {
  const withPaper = isPaperProtocol(result.config);
  const accuracy = measureTable(result, result.summary, (s, c) => s.accuracy[c]?.overall, withPaper);
  const note = withPaper ? '' : `\n\n${paperAbsence(result.config)}`;
  if (!result.favouriteSummary) return accuracy + note;
  const favourite = measureTable(result, result.favouriteSummary, (s, c) => s.favouriteRate?.[c], false);
  return `Test accuracy:\n${accuracy}\n\nFavourite rate (test images of other digits labelled ${result.config.favourite}):\n${favourite}${note}`;
}

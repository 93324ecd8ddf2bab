/** Plain-text reports for the terminal: the results table. */
import { ALL_CONDITIONS, CONDITION_TABLE } from '../protocol/conditions';
import type { ExperimentResult } from '../protocol/results';

const pct = (x: number) => (100 * x).toFixed(1);

export function resultsTable(result: ExperimentResult): string {
  const header = ['condition', 'mean %', '95% CI', 'expected (paper)', 'per seed %'];
  const rows: string[][] = [];
  for (const condition of ALL_CONDITIONS) {
    const summary = result.summary[condition];
    if (!summary) continue;
    const perSeed = result.seeds.map((s) => s.accuracy[condition]).map((a) => (a ? pct(a.overall) : '–'));
    rows.push([
      CONDITION_TABLE[condition].label,
      pct(summary.mean),
      summary.ci95 === null ? 'n/a (1 seed)' : `± ${pct(summary.ci95)}`,
      CONDITION_TABLE[condition].expected.label,
      perSeed.join(' '),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Plain-text reports for the terminal: the results table and the receipt. */
import { CONDITIONS, type Condition } from '../engine/config';
import { CONDITION_LABELS, PAPER_EXPECTATIONS } from '../engine/expectations';
import type { ExperimentResult } from '../engine/experiment';

const pct = (x: number) => (100 * x).toFixed(1);

export function resultsTable(result: ExperimentResult): string {
  const header = ['condition', 'mean %', '95% CI', 'expected (paper)', 'per seed %'];
  const rows: string[][] = [];
  for (const condition of ['reference', ...CONDITIONS] as Condition[]) {
    const summary = result.summary[condition];
    if (!summary) continue;
    const perSeed = result.seeds.map((s) => s.accuracy[condition]).map((a) => (a ? pct(a.overall) : '–'));
    rows.push([
      CONDITION_LABELS[condition],
      pct(summary.mean),
      summary.ci95 === null ? 'n/a (1 seed)' : `± ${pct(summary.ci95)}`,
      PAPER_EXPECTATIONS[condition].label,
      perSeed.join(' '),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function receipt(result: ExperimentResult, runtime: string, workers: number): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1) + ' s';
  const phases = Object.entries(result.phaseMs)
    .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
    .join(', ');
  const config = Object.entries(result.config)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  return [
    `seeds: ${result.seeds.map((s) => s.seed).join(', ')}`,
    `config: ${config}`,
    `backend: ${result.backend} (tfjs ${result.tfjsVersion}), ${runtime}, ${workers} worker(s)`,
    `wall time: ${seconds(result.wallMs)}; training time per phase, summed over seeds: ${phases}`,
  ].join('\n');
}

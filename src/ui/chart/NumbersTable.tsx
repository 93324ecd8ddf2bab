/** A chart's numbers as a table: its text alternative, under a disclosure. */
import { useMemo } from 'react';
import type { Condition } from '../../protocol/conditions';
import type { Series } from '../../store/derive';
import { Scroll } from '../Scroll';
import { useNames } from '../useNames';
import { conditionsIn } from './conditions';

/** A chart's numbers as a table (its text alternative), under a disclosure: a row per step or digit, a column per model. */
export function NumbersTable({
  caption,
  rowHeader,
  conditions,
  rows,
}: {
  caption: string;
  rowHeader: string;
  conditions: Condition[];
  rows: { key: string; cells: string[] }[];
}) {
  const names = useNames();
  return (
    <details className="numbers-table">
      <summary>The numbers</summary>
      <Scroll label={caption}>
        <table className="numbers">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              {conditions.map((c) => (
                <th key={c} scope="col">
                  {names(c).short}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.key}</th>
                {row.cells.map((cell, i) => (
                  <td key={conditions[i]}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </details>
  );
}

/** A curve chart's table: each evaluated step, the mean over seeds of each model, summed in one pass over the points (a long run redraws it often). */
export function SeriesNumbers({ series, format, caption }: { series: Series[]; format: (v: number) => string; caption: string }) {
  const rows = useMemo(() => {
    const conditions = conditionsIn(series);
    const sums = new Map<number, Map<Condition, { sum: number; n: number }>>();
    for (const line of series)
      for (const { step, value } of line.points) {
        const atStep = sums.get(step) ?? sums.set(step, new Map()).get(step)!;
        const cell = atStep.get(line.condition) ?? atStep.set(line.condition, { sum: 0, n: 0 }).get(line.condition)!;
        cell.sum += value;
        cell.n += 1;
      }
    const steps = [...sums.keys()].sort((a, b) => a - b);
    return {
      conditions,
      rows: steps.map((step) => ({
        key: String(step),
        cells: conditions.map((c) => {
          const cell = sums.get(step)!.get(c);
          return cell ? format(cell.sum / cell.n) : '';
        }),
      })),
    };
  }, [series, format]);
  return <NumbersTable caption={caption} rowHeader="step" conditions={rows.conditions} rows={rows.rows} />;
}

/** A figure's numbers as a table (its text alternative), under a disclosure: a row per value on its axis, a column per series. */
import { useMemo } from 'react';
import type { Condition } from '../../protocol/conditions';
import type { Series } from '../../store/derive';
import { Scroll } from '../Scroll';
import { useNames } from '../useNames';
import { conditionsIn } from './conditions';

export interface NumbersTableProps {
  caption: string;
  /** What the rows are (the figure's axis: step, digit, m…). */
  axis: string;
  columns: readonly { key: string; name: string }[];
  /** Each row's label and its cells in the columns' order; a cell without a value is null. */
  rows: readonly { label: string; cells: readonly (string | null)[] }[];
}

export function NumbersTable({ caption, axis, columns, rows }: NumbersTableProps) {
  return (
    <details className="numbers-table">
      <summary>The numbers</summary>
      <Scroll label={caption}>
        <table className="numbers">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{axis}</th>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {columns.map((c, i) => (
                  <td key={c.key}>{row.cells[i] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </details>
  );
}

/** Columns for the models of a run, headed by their short names. */
export function useConditionColumns(conditions: readonly Condition[]) {
  const names = useNames();
  return conditions.map((c) => ({ key: c, name: names(c).short }));
}

/** A curve chart's table: each evaluated step, the mean over seeds of each model, summed in one pass over the points (a long run redraws it often). */
export function SeriesNumbers({ series, format, caption }: { series: Series[]; format: (v: number) => string; caption: string }) {
  const { conditions, rows } = useMemo(() => {
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
        label: String(step),
        cells: conditions.map((c) => {
          const cell = sums.get(step)!.get(c);
          return cell ? format(cell.sum / cell.n) : null;
        }),
      })),
    };
  }, [series, format]);
  const columns = useConditionColumns(conditions);
  return <NumbersTable caption={caption} axis="step" columns={columns} rows={rows} />;
}

/** A chart's numbers as a table: its text alternative, under a disclosure. */
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

/** A curve chart's table: each evaluated step, the mean over seeds of each model. */
export function SeriesNumbers({ series, format, caption }: { series: Series[]; format: (v: number) => string; caption: string }) {
  const conditions = conditionsIn(series);
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b);
  const mean = (condition: Condition, step: number) => {
    const values = series
      .filter((s) => s.condition === condition)
      .flatMap((s) => s.points.filter((p) => p.step === step).map((p) => p.value));
    return values.length ? format(values.reduce((a, b) => a + b, 0) / values.length) : '';
  };
  return (
    <NumbersTable
      caption={caption}
      rowHeader="step"
      conditions={conditions}
      rows={steps.map((step) => ({ key: String(step), cells: conditions.map((c) => mean(c, step)) }))}
    />
  );
}

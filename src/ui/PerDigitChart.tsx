import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { pct } from '../protocol/format';
import { axisWidth } from './chart/axes';
import { ConditionLegend } from './chart/ConditionLegend';
import { color } from './chart/conditions';
import { NumbersTable, useConditionColumns } from './chart/NumbersTable';
import { PngButton } from './Export';
import { useType } from './useNames';
import { useAppState } from './useStore';

export function PerDigitChart() {
  const { rows, conditions } = useAppState((s) => s.derived.digitMeans);
  const type = useType();
  const columns = useConditionColumns(conditions);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="chart" data-testid="digit-chart">
      <figcaption>
        <span>Accuracy per digit, mean over seeds: digits the students never saw</span>
        <PngButton target={figure} name="per-digit" title="Accuracy per digit, mean over seeds" conditions={conditions} />
      </figcaption>
      {conditions.length === 0 ? (
        <p className="empty">Appears after the first evaluation.</p>
      ) : (
        <>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              <XAxis dataKey="digit" tick={{ fontSize: type.small }} height={type.small + 14} />
              <YAxis
                domain={[0, 1]}
                ticks={[0, 0.5, 1]}
                tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
                tick={{ fontSize: type.small }}
                width={axisWidth('100%', type.small)}
              />
              <Tooltip formatter={(v) => pct(Number(v))} />
              <ReferenceLine y={0.1} stroke="#9ca3af" strokeDasharray="6 4" />
              {conditions.map((c) => (
                <Bar key={c} dataKey={c} fill={color(c)} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
          <ConditionLegend conditions={conditions} />
          <NumbersTable
            caption="Accuracy per digit, mean over seeds"
            axis="digit"
            columns={columns}
            rows={rows.map((row) => ({
              label: row.digit,
              cells: conditions.map((c) => (row[c] === undefined ? null : pct(row[c]))),
            }))}
          />
        </>
      )}
    </figure>
  );
}

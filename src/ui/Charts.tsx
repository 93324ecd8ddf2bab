/** Live charts: test accuracy and loss over steps (one line per condition and seed), per-digit accuracy. */
import { useMemo, useRef } from 'react';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Condition } from '../engine/config';
import { summarize } from '../engine/stats';
import type { CurvePoint } from '../store/state';
import { PngButton } from './Export';
import { CONDITION_COLORS, pct, SHORT_LABELS } from './theme';
import { useAppState } from './useStore';

interface Series {
  key: string;
  condition: Condition;
  seedIndex: number;
  points: { step: number; value: number }[];
}

function seriesOf(curves: Partial<Record<Condition, CurvePoint[]>>): Series[] {
  const out: Series[] = [];
  for (const [condition, points] of Object.entries(curves) as [Condition, CurvePoint[]][]) {
    const bySeed = new Map<number, { step: number; value: number }[]>();
    for (const p of points) {
      if (!bySeed.has(p.seedIndex)) bySeed.set(p.seedIndex, []);
      bySeed.get(p.seedIndex)!.push({ step: p.step, value: p.value });
    }
    for (const [seedIndex, pts] of bySeed) out.push({ key: `${condition}#${seedIndex}`, condition, seedIndex, points: pts });
  }
  return out;
}

interface Band {
  condition: Condition;
  points: { step: number; mean: number; range: [number, number] }[];
}

/** Mean and 95% CI across seeds at each evaluated step (only where at least two seeds have reached it). */
function bandsOf(series: Series[]): Band[] {
  const byCondition = new Map<Condition, Map<number, number[]>>();
  for (const s of series) {
    const steps = byCondition.get(s.condition) ?? new Map<number, number[]>();
    byCondition.set(s.condition, steps);
    for (const p of s.points) steps.set(p.step, [...(steps.get(p.step) ?? []), p.value]);
  }
  return [...byCondition].map(([condition, steps]) => ({
    condition,
    points: [...steps]
      .filter(([, values]) => values.length >= 2)
      .sort((a, b) => a[0] - b[0])
      .map(([step, values]) => {
        const { mean, ci95 } = summarize(values);
        return { step, mean, range: [mean - ci95!, mean + ci95!] as [number, number] };
      }),
  }));
}

function ConditionLegend({ conditions }: { conditions: Condition[] }) {
  return (
    <ul className="legend">
      {conditions.map((c) => (
        <li key={c}>
          <span className="swatch" style={{ background: CONDITION_COLORS[c] }} />
          {SHORT_LABELS[c]}
        </li>
      ))}
    </ul>
  );
}

function CurveChart({ series, yLabel, percent, bands = [], children }: { series: Series[]; yLabel: string; percent: boolean; bands?: Band[]; children?: React.ReactNode }) {
  const conditions = [...new Set(series.map((s) => s.condition))];
  const banded = new Set(bands.filter((b) => b.points.length > 0).map((b) => b.condition));
  return (
    <>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis type="number" dataKey="step" domain={[0, 'dataMax']} allowDuplicatedCategory={false} label={{ value: 'training step (within phase)', position: 'insideBottom', offset: -8 }} />
          {percent ? (
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} />
          ) : (
            // Log scale: the teacher's cross-entropy (≈ 2 → 0.2) and the students' KL (≈ 0.05 → 0.001) share one chart.
            <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow tickFormatter={(v: number) => v.toPrecision(1)} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} />
          )}
          <Tooltip formatter={(v) => (percent ? pct(Number(v)) : Number(v).toFixed(4))} labelFormatter={(step) => `step ${step}`} />
          {children}
          {bands.map((b) => (
            <Area key={`${b.condition}-band`} data={b.points} dataKey="range" name={`${SHORT_LABELS[b.condition]}: 95% CI`} stroke="none" fill={CONDITION_COLORS[b.condition]} fillOpacity={0.15} isAnimationActive={false} />
          ))}
          {series.map((s) => (
            <Line
              key={s.key}
              data={s.points}
              dataKey="value"
              name={banded.has(s.condition) ? `${SHORT_LABELS[s.condition]} (seed ${s.seedIndex + 1})` : SHORT_LABELS[s.condition]}
              stroke={CONDITION_COLORS[s.condition]}
              // With a band, seeds are thin context lines and the mean carries the story.
              strokeOpacity={banded.has(s.condition) ? 0.35 : 0.85}
              strokeWidth={banded.has(s.condition) ? 1 : 2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {bands.map((b) => (
            <Line key={`${b.condition}-mean`} data={b.points} dataKey="mean" name={`${SHORT_LABELS[b.condition]}: mean`} stroke={CONDITION_COLORS[b.condition]} strokeWidth={2.5} dot={false} isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <ConditionLegend conditions={conditions} />
    </>
  );
}

export function AccuracyChart() {
  const accuracy = useAppState((s) => s.accuracy);
  const latest = useAppState((s) => s.latest);
  const series = useMemo(() => seriesOf(accuracy), [accuracy]);
  const bands = useMemo(() => bandsOf(series), [series]);
  const figure = useRef<HTMLElement>(null);
  const teacherFinal = useMemo(() => {
    const values = Object.values(latest.teacher ?? {}).map((a) => a.overall);
    return values.length ? summarize(values).mean : null;
  }, [latest]);
  return (
    <figure ref={figure} className="chart" data-testid="accuracy-chart" data-points={series.reduce((n, s) => n + s.points.length, 0)}>
      <figcaption>
        Test accuracy on MNIST digits (mean and 95% CI across seeds; thin lines: each seed)
        <PngButton target={figure} name="accuracy" />
      </figcaption>
      {series.length === 0 ? (
        <p className="empty">Press Run: the teacher learns digits, then each student learns from the teacher's outputs on noise.</p>
      ) : (
        <CurveChart series={series} yLabel="accuracy" percent bands={bands}>
          <ReferenceLine y={0.1} stroke="#9ca3af" strokeDasharray="6 4" label={{ value: 'chance 10%', position: 'insideTopRight', fill: '#6b7280' }} />
          {teacherFinal !== null && <ReferenceLine y={teacherFinal} stroke={CONDITION_COLORS.teacher} strokeDasharray="2 4" label={{ value: `teacher ${pct(teacherFinal)}`, position: 'insideBottomRight', fill: '#374151' }} />}
        </CurveChart>
      )}
    </figure>
  );
}

export function LossChart() {
  const loss = useAppState((s) => s.loss);
  const series = useMemo(() => seriesOf(loss), [loss]);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="chart" data-testid="loss-chart">
      <figcaption>
        Training loss, mean over seeds (teacher: cross-entropy on digits; students: KL to the teacher on noise)
        <PngButton target={figure} name="loss" />
      </figcaption>
      {series.length === 0 ? <p className="empty">No steps yet.</p> : <CurveChart series={series} yLabel="loss (log scale)" percent={false} />}
    </figure>
  );
}

export function PerDigitChart() {
  const latest = useAppState((s) => s.latest);
  const { rows, conditions } = useMemo(() => {
    const conditions = (Object.keys(latest) as Condition[]).filter((c) => c !== 'reference');
    const rows = Array.from({ length: 10 }, (_, digit) => {
      const row: Record<string, number | string> = { digit: String(digit) };
      for (const c of conditions) {
        const values = Object.values(latest[c] ?? {})
          .map((a) => a.perDigit[digit])
          .filter((v): v is number => v !== null);
        if (values.length) row[c] = summarize(values).mean;
      }
      return row;
    });
    return { rows, conditions };
  }, [latest]);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="chart" data-testid="digit-chart">
      <figcaption>
        Accuracy per digit, mean over seeds: digits the students never saw
        <PngButton target={figure} name="per-digit" />
      </figcaption>
      {conditions.length === 0 ? (
        <p className="empty">Appears after the first evaluation.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="digit" />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
            <Tooltip formatter={(v) => pct(Number(v))} />
            <Legend formatter={(value: string) => SHORT_LABELS[value as Condition] ?? value} />
            <ReferenceLine y={0.1} stroke="#9ca3af" strokeDasharray="6 4" />
            {conditions.map((c) => (
              <Bar key={c} dataKey={c} fill={CONDITION_COLORS[c]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** Live charts: test accuracy and loss over steps (one line per condition and seed), per-digit accuracy. */
import { useMemo, useRef } from 'react';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { pct } from '../protocol/format';
import { teacherSteps } from '../protocol/schedule';
import { summarize } from '../protocol/stats';
import type { Band, Series } from '../store/derive';
import { PngButton } from './Export';
import { Scroll } from './Scroll';
import { useAppState } from './useStore';
import { ModelRowHeader } from './ModelName';

const color = (c: Condition) => CONDITION_TABLE[c].color;
const conditionsIn = (series: Series[]) => [...new Set(series.map((s) => s.condition))];
const short = (c: Condition) => CONDITION_TABLE[c].short;

/** Where the students start on the run's timeline: after the teacher, each from its outputs. */
function studentsStartMark(config: Config | null) {
  if (!config) return null;
  return (
    <ReferenceLine
      x={teacherSteps(config)}
      stroke="#6b7280"
      strokeDasharray="3 3"
      label={{ value: 'students →', position: 'insideTopLeft', fill: '#4b5563', fontSize: 11 }}
    />
  );
}

/** A chart's numbers as a table (its text alternative), under a disclosure: a row per step or digit, a column per model. */
function NumbersTable({
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
                  {short(c)}
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
function SeriesNumbers({ series, format, caption }: { series: Series[]; format: (v: number) => string; caption: string }) {
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

function ConditionLegend({ conditions }: { conditions: Condition[] }) {
  return (
    <ul className="legend">
      {conditions.map((c) => (
        <li key={c}>
          <span
            className={CONDITION_TABLE[c].dash ? 'swatch dashed' : 'swatch'}
            style={{ background: CONDITION_TABLE[c].dash ? undefined : color(c), borderColor: color(c) }}
          />
          {short(c)}
        </li>
      ))}
    </ul>
  );
}

type Scale = 'percent' | 'log' | 'cosine';

function yAxisFor(scale: Scale, label: string) {
  const axisLabel = { value: label, angle: -90, position: 'insideLeft' } as const;
  if (scale === 'percent') return <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} label={axisLabel} />;
  if (scale === 'cosine') return <YAxis domain={[-0.2, 1]} ticks={[-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]} label={axisLabel} />;
  // Log scale: the teacher's cross-entropy (≈ 2 → 0.2) and the students' KL (≈ 0.05 → 0.001) share one chart.
  return (
    <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow tickFormatter={(v: number) => v.toPrecision(1)} label={axisLabel} />
  );
}

const RUN_TIMELINE = 'training step of the run (teacher, then each student)';

function CurveChart({
  series,
  yLabel,
  scale,
  bands = [],
  xLabel = RUN_TIMELINE,
  children,
}: {
  series: Series[];
  yLabel: string;
  scale: Scale;
  bands?: Band[];
  xLabel?: string;
  children?: React.ReactNode;
}) {
  const runConfig = useAppState((s) => s.run.config);
  const conditions = conditionsIn(series);
  const banded = new Set(bands.filter((b) => b.points.length > 0).map((b) => b.condition));
  return (
    <>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            type="number"
            dataKey="step"
            domain={[0, 'dataMax']}
            allowDuplicatedCategory={false}
            label={{ value: xLabel, position: 'insideBottom', offset: -8 }}
          />
          {yAxisFor(scale, yLabel)}
          <Tooltip
            formatter={(v) => (scale === 'percent' ? pct(Number(v)) : Number(v).toFixed(scale === 'cosine' ? 3 : 4))}
            labelFormatter={(step) => `step ${step}`}
          />
          {children}
          {xLabel === RUN_TIMELINE && studentsStartMark(runConfig)}
          {bands.map((b) => (
            <Area
              key={`${b.condition}-band`}
              data={b.points}
              dataKey="range"
              name={`${short(b.condition)}: 95% CI`}
              stroke="none"
              fill={color(b.condition)}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
          ))}
          {series.map((s) => (
            <Line
              key={s.key}
              data={s.points}
              dataKey="value"
              name={banded.has(s.condition) ? `${short(s.condition)} (seed ${s.seed})` : short(s.condition)}
              stroke={color(s.condition)}
              strokeDasharray={CONDITION_TABLE[s.condition].dash}
              // With a band, seeds are thin context lines and the mean carries the story.
              strokeOpacity={banded.has(s.condition) ? 0.35 : 0.85}
              strokeWidth={banded.has(s.condition) ? 1 : 2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {bands.map((b) => (
            <Line
              key={`${b.condition}-mean`}
              data={b.points}
              dataKey="mean"
              name={`${short(b.condition)}: mean`}
              stroke={color(b.condition)}
              strokeDasharray={CONDITION_TABLE[b.condition].dash}
              strokeWidth={2.5}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <ConditionLegend conditions={conditions} />
    </>
  );
}

export function AccuracyChart() {
  const series = useAppState((s) => s.derived.accuracy);
  const bands = useAppState((s) => s.derived.bands);
  const teacherFinal = useAppState((s) => s.derived.bars.find((b) => b.condition === 'teacher')?.mean ?? null);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure
      ref={figure}
      className="chart"
      data-tour="accuracy"
      data-testid="accuracy-chart"
      data-points={series.reduce((n, s) => n + s.points.length, 0)}
    >
      <figcaption>
        Test accuracy on MNIST digits (mean and 95% CI across seeds; thin lines: each seed)
        <PngButton
          target={figure}
          name="accuracy"
          title="Test accuracy on MNIST digits (mean and 95% CI across seeds)"
          conditions={conditionsIn(series)}
        />
      </figcaption>
      {series.length === 0 ? (
        <p className="empty">Press Run: the teacher learns digits, then each student learns from the teacher's outputs on noise.</p>
      ) : (
        <CurveChart series={series} yLabel="accuracy" scale="percent" bands={bands}>
          <ReferenceLine
            y={0.1}
            stroke="#9ca3af"
            strokeDasharray="6 4"
            label={{ value: 'chance 10%', position: 'insideTopRight', fill: '#6b7280' }}
          />
          {teacherFinal !== null && (
            <ReferenceLine
              y={teacherFinal}
              stroke={color('teacher')}
              strokeDasharray="2 4"
              label={{ value: `teacher ${pct(teacherFinal)}`, position: 'insideBottomRight', fill: '#374151' }}
            />
          )}
        </CurveChart>
      )}
      {series.length > 0 && (
        <SeriesNumbers series={series} format={(v) => pct(v)} caption="Test accuracy, mean over seeds, at each evaluated step of the run" />
      )}
    </figure>
  );
}

export function LossChart() {
  const series = useAppState((s) => s.derived.loss);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="chart" data-testid="loss-chart">
      <figcaption>
        Training loss, mean over seeds (teacher: cross-entropy on digits; students: KL to the teacher on noise)
        <PngButton
          target={figure}
          name="loss"
          title="Training loss (teacher: cross-entropy on digits; students: KL to the teacher on noise)"
          conditions={conditionsIn(series)}
        />
      </figcaption>
      {series.length === 0 ? <p className="empty">No steps yet.</p> : <CurveChart series={series} yLabel="loss (log scale)" scale="log" />}
      {series.length > 0 && (
        <SeriesNumbers series={series} format={(v) => v.toPrecision(3)} caption="Training loss at each step it was read" />
      )}
    </figure>
  );
}

export function PerDigitChart() {
  const latest = useAppState((s) => s.latest);
  const { rows, conditions } = useMemo(() => {
    const conditions = (Object.keys(CONDITION_TABLE) as Condition[]).filter((c) => c !== 'reference' && latest.some((s) => s.accuracy[c]));
    const rows = Array.from({ length: 10 }, (_, digit) => {
      const row: Record<string, number | string> = { digit: String(digit) };
      for (const c of conditions) {
        const values = latest.map((s) => s.accuracy[c]?.perDigit[digit]).filter((v): v is number => v !== null && v !== undefined);
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
        <PngButton target={figure} name="per-digit" title="Accuracy per digit, mean over seeds" conditions={conditions} />
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
            <Legend formatter={(value: string) => short(value as Condition) ?? value} />
            <ReferenceLine y={0.1} stroke="#9ca3af" strokeDasharray="6 4" />
            {conditions.map((c) => (
              <Bar key={c} dataKey={c} fill={color(c)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
      {conditions.length > 0 && (
        <NumbersTable
          caption="Accuracy per digit, mean over seeds"
          rowHeader="digit"
          conditions={conditions}
          rows={rows.map((row) => ({
            key: String(row.digit),
            cells: conditions.map((c) => (typeof row[c] === 'number' ? pct(row[c] as number) : '')),
          }))}
        />
      )}
    </figure>
  );
}

/** The mechanism on screen: does each student move along its teacher's own update? */
export function AlignmentChart() {
  const series = useAppState((s) => s.derived.alignment);
  const bands = useAppState((s) => s.derived.alignmentBands);
  const latest = useAppState((s) => s.latestAlignment);
  const figure = useRef<HTMLElement>(null);
  const rows = useMemo(
    () =>
      (Object.keys(CONDITION_TABLE) as Condition[]).flatMap((condition) => {
        const values = Object.values(latest[condition] ?? {});
        if (values.length === 0) return [];
        const mean = (pick: (a: (typeof values)[0]) => number) => summarize(values.map(pick)).mean;
        return [{ condition, overall: mean((a) => a.overall), layers: [0, 1, 2].map((l) => mean((a) => a.layers[l])) }];
      }),
    [latest],
  );
  return (
    <figure
      ref={figure}
      className="chart mechanism"
      data-tour="mechanism"
      data-testid="alignment-chart"
      data-points={series.reduce((n, s) => n + s.points.length, 0)}
    >
      <figcaption>
        Why it works: does the student move the way its teacher moved?
        <PngButton
          target={figure}
          name="alignment"
          title="Cosine between each student's update and its teacher's (mean and 95% CI across seeds)"
          conditions={conditionsIn(series)}
        />
      </figcaption>
      <p className="explain">
        Picture every weight of the network as one point in a huge space. Training moves the teacher from its starting point along an arrow;
        the student, imitating a few extra outputs on noise, moves along an arrow of its own. The chart shows the cosine between the two
        arrows: <strong>1</strong> means the same direction, <strong>0</strong> unrelated. A student that starts where the teacher started
        is pulled along the teacher's own update, and so picks up its skill with digits; from a different start the arrows are unrelated,
        and nothing carries over.
      </p>
      {series.length === 0 ? (
        <p className="empty">Appears while the students train.</p>
      ) : (
        <>
          <CurveChart
            series={series}
            bands={bands}
            yLabel="cosine with the teacher's update"
            scale="cosine"
            xLabel="student's training step"
          >
            <ReferenceLine y={0} stroke="#9ca3af" strokeDasharray="6 4" />
          </CurveChart>
          <table className="numbers" data-testid="alignment-table">
            <caption>
              Latest cosine, mean over seeds (the output layer is 0 for aux-only students by construction: the teacher moves the digit rows,
              the student the auxiliary rows)
            </caption>
            <thead>
              <tr>
                <th scope="col">student</th>
                <th scope="col">all weights</th>
                <th scope="col">layer 1</th>
                <th scope="col">layer 2</th>
                <th scope="col">output layer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.condition} data-condition={row.condition}>
                  <ModelRowHeader condition={row.condition} />
                  <td>{row.overall.toFixed(2)}</td>
                  {row.layers.map((v, l) => (
                    <td key={l}>{v.toFixed(2)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}

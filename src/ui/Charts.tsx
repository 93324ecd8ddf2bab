/**
 * Live charts: test accuracy (or a favourite-digit run's favourite rate) and loss over the run's
 * steps, one thin line per seed and the mean with its 95% band (Student's t); per-digit accuracy; the mechanism.
 * Every line that carries the story is labelled at its end with its current value, in a gutter
 * beside the plot where labels are spread so that none covers another.
 */
import { useId, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  usePlotArea,
  useXAxisScale,
  useYAxisScale,
  XAxis,
  YAxis,
} from 'recharts';
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { INTERVAL_NAME, pct } from '../protocol/format';
import { teacherSteps } from '../protocol/runPlan';
import { summarize } from '../protocol/stats';
import type { Band, Measure, Series } from '../store/derive';
import { PngButton } from './Export';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';
import { textWidth } from './textWidth';
import { useMeasure, useNames, useShownConfig, useTags, useType } from './useNames';
import { useAppState, useAppStore } from './useStore';

const color = (c: Condition) => CONDITION_TABLE[c].color;
const conditionsIn = (series: Series[]) => [...new Set(series.map((s) => s.condition))];

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

/** The models a chart shows, named in full, with the line's colour and dash. */
export function ConditionLegend({ conditions }: { conditions: Condition[] }) {
  const names = useNames();
  return (
    <ul className="legend">
      {conditions.map((c) => (
        <li key={c}>
          <span
            className={CONDITION_TABLE[c].dash ? 'swatch dashed' : 'swatch'}
            style={{ background: CONDITION_TABLE[c].dash ? undefined : color(c), borderColor: color(c) }}
          />
          {names(c).short}
        </li>
      ))}
    </ul>
  );
}

/** A line's end label: its value and a few words, in the colour of the line; `from`: where the line ends, when before the plot's right edge. */
export interface EndLabel {
  key: string;
  value: number;
  text: string;
  color: string;
  /** The x (data) at which the line ends, if it ends before the others: a dotted line carries its value on to the label. */
  endsAt?: number;
}

/**
 * End labels in the gutter right of the plot, each at its value's height, spread apart (at least
 * one line of type) where values are close, with a short leader from the plot's edge.
 */
function EndLabels({ labels, fontSize, format }: { labels: EndLabel[]; fontSize: number; format: (v: number) => string }) {
  const plot = usePlotArea();
  const y = useYAxisScale();
  if (!plot || !y) return null;
  const gap = fontSize + 3;
  const placed = labels
    .map((label) => ({ ...label, at: y(label.value) ?? 0 }))
    .sort((a, b) => a.at - b.at)
    .map((label) => ({ ...label, y: label.at }));
  // Push down past each other, then back up from the bottom edge.
  for (let i = 1; i < placed.length; i++) placed[i].y = Math.max(placed[i].y, placed[i - 1].y + gap);
  const bottom = plot.y + plot.height;
  if (placed.length && placed[placed.length - 1].y > bottom) {
    placed[placed.length - 1].y = bottom;
    for (let i = placed.length - 2; i >= 0; i--) placed[i].y = Math.min(placed[i].y, placed[i + 1].y - gap);
  }
  const edge = plot.x + plot.width;
  return (
    <g className="end-labels">
      {placed.map((label) => (
        <g key={label.key}>
          <line x1={edge} x2={edge + 6} y1={label.at} y2={label.y} stroke={label.color} strokeWidth={1} />
          <text x={edge + 9} y={label.y} dy="0.35em" fontSize={fontSize} fontWeight={600} fill={label.color}>
            {format(label.value)} {label.text}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * Each seed's thin line and each band, drawn as plain SVG paths on the chart's scales: as recharts
 * items (one per seed and condition) they made redrawing the live chart, a few times a second
 * while a run trains, cost a sizeable share of a core that training needs.
 */
function SeedsAndBands({ series, bands }: { series: Series[]; bands: Band[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  const plot = usePlotArea();
  const clip = useId();
  if (!x || !y || !plot) return null;
  const at = (step: number, value: number) => `${(x(step) ?? 0).toFixed(1)},${(y(value) ?? 0).toFixed(1)}`;
  return (
    <g className="seeds-and-bands" aria-hidden="true" clipPath={`url(#${CSS.escape(clip)})`}>
      {/* A 95% interval can reach past 100% or below 0: it stops at the plot's edge. */}
      <clipPath id={clip}>
        <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
      </clipPath>
      {bands.map((b) => (
        <path
          key={`${b.condition}-band`}
          d={`M${[...b.points.map((p) => at(p.step, p.range[1])), ...[...b.points].reverse().map((p) => at(p.step, p.range[0]))].join('L')}Z`}
          fill={color(b.condition)}
          fillOpacity={0.15}
          stroke="none"
        />
      ))}
      {series.map((s) => (
        <path
          key={s.key}
          d={`M${s.points.map((p) => at(p.step, p.value)).join('L')}`}
          fill="none"
          stroke={color(s.condition)}
          strokeDasharray={CONDITION_TABLE[s.condition].dash}
          strokeOpacity={0.35}
          strokeWidth={1}
        />
      ))}
    </g>
  );
}

type Scale = 'percent' | 'log' | 'cosine';

/** The gutter for end labels: wide enough for the longest one at this type size. */
const gutterFor = (labels: EndLabel[], fontSize: number, format: (v: number) => string) =>
  labels.length === 0 ? 16 : Math.ceil(Math.max(...labels.map((l) => textWidth(`${format(l.value)} ${l.text}`, fontSize, true)))) + 16;

/** A y axis wide enough for its widest tick label (recharts puts the label 8 px left of the axis line). */
const axisWidth = (widest: string, fontSize: number) => Math.ceil(textWidth(widest, fontSize)) + 12;

function CurveChart({
  series,
  scale,
  bands = [],
  timeline = true,
  endLabels = [],
  height,
  children,
}: {
  series: Series[];
  scale: Scale;
  bands?: Band[];
  /** Whether x is the run's timeline (teacher, then students), with the students' start marked. */
  timeline?: boolean;
  endLabels?: EndLabel[];
  height?: number;
  children?: ReactNode;
}) {
  const runConfig = useAppState((s) => s.run.config);
  const names = useNames();
  const type = useType();
  const banded = new Set(bands.filter((b) => b.points.length > 0).map((b) => b.condition));
  const format =
    scale === 'percent' ? (v: number) => pct(v, 0) : scale === 'cosine' ? (v: number) => v.toFixed(2) : (v: number) => v.toPrecision(2);
  const tick = { fontSize: type.small };
  const lastX = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.step)));
  return (
    <ResponsiveContainer width="100%" height={height ?? type.chartHeight}>
      <ComposedChart margin={{ top: 10, right: gutterFor(endLabels, type.font, format), bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis
          type="number"
          dataKey="step"
          // Explicit: the seeds' lines are not recharts items, so its data alone would not reach the last step.
          domain={[0, lastX]}
          allowDuplicatedCategory={false}
          tick={tick}
          height={type.small + 14}
          minTickGap={type.small * 3}
        />
        {scale === 'percent' && (
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            tick={tick}
            width={axisWidth('100%', type.small)}
          />
        )}
        {scale === 'cosine' && <YAxis domain={[-0.2, 1]} ticks={[0, 0.5, 1]} tick={tick} width={axisWidth('0.5', type.small)} />}
        {/* Log scale: the teacher's cross-entropy (≈ 2 → 0.2) and the students' KL (≈ 0.05 → 0.001) share one chart. */}
        {scale === 'log' && (
          <YAxis
            scale="log"
            domain={['auto', 'auto']}
            allowDataOverflow
            tickFormatter={(v: number) => v.toPrecision(1)}
            tick={tick}
            width={axisWidth('0.0005', type.small)}
          />
        )}
        <Tooltip
          formatter={(v) => (scale === 'percent' ? pct(Number(v)) : Number(v).toFixed(scale === 'cosine' ? 3 : 4))}
          labelFormatter={(step) => `step ${step}`}
        />
        {children}
        {timeline && runConfig && (
          <ReferenceLine
            x={teacherSteps(runConfig)}
            stroke="#6b7280"
            strokeDasharray="3 3"
            label={{ value: 'students →', position: 'insideTopLeft', fill: '#374151', fontSize: type.small }}
          />
        )}
        {endLabels
          .filter((l) => l.endsAt !== undefined && l.endsAt < lastX)
          .map((l) => (
            <ReferenceLine
              key={`${l.key}-on`}
              segment={[
                { x: l.endsAt!, y: l.value },
                { x: lastX, y: l.value },
              ]}
              stroke={l.color}
              strokeDasharray="2 4"
            />
          ))}
        {/* With a band, seeds are thin context lines and the mean carries the story (and the tooltip). */}
        <SeedsAndBands series={series.filter((s) => banded.has(s.condition))} bands={bands.filter((b) => banded.has(b.condition))} />
        {series
          .filter((s) => !banded.has(s.condition))
          .map((s) => (
            <Line
              key={s.key}
              data={s.points}
              dataKey="value"
              name={names(s.condition).short}
              stroke={color(s.condition)}
              strokeDasharray={CONDITION_TABLE[s.condition].dash}
              strokeOpacity={0.85}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        {bands.map((b) => (
          <Line
            key={`${b.condition}-mean`}
            data={b.points}
            dataKey="mean"
            name={`${names(b.condition).short}: mean`}
            stroke={color(b.condition)}
            strokeDasharray={CONDITION_TABLE[b.condition].dash}
            strokeWidth={2.5}
            dot={false}
            isAnimationActive={false}
          />
        ))}
        <EndLabels labels={endLabels} fontSize={type.font} format={format} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** Each model's latest value: its mean line's last point where it has a band, else its (one) seed's. */
function latestLabels(series: Series[], bands: Band[], tag: (c: Condition) => string): EndLabel[] {
  return conditionsIn(series)
    .filter((c) => c !== 'reference')
    .flatMap((condition) => {
      const band = bands.find((b) => b.condition === condition && b.points.length > 0);
      const last = band ? band.points.at(-1)! : series.find((s) => s.condition === condition)?.points.at(-1);
      if (!last) return [];
      const value = 'mean' in last ? last.mean : last.value;
      const isTeacher = CONDITION_TABLE[condition].role === 'teacher';
      return [{ key: condition, value, text: tag(condition), color: color(condition), ...(isTeacher && { endsAt: last.step }) }];
    });
}

/** Switches what the curves and the figure show in a favourite-digit run. */
export function MeasureSwitch() {
  const store = useAppStore();
  const measure = useMeasure();
  const config = useShownConfig();
  if (config.teacherTrait !== 'favourite') return null;
  const choices: [Measure, string][] = [
    ['favourite', `How often it says ${config.favourite}`],
    ['accuracy', 'Accuracy'],
  ];
  return (
    <span className="measure-switch" role="group" aria-label="What the charts show">
      {choices.map(([value, label]) => (
        <button key={value} className="small" aria-pressed={measure === value} onClick={() => store.actions.setView({ measure: value })}>
          {label}
        </button>
      ))}
    </span>
  );
}

/**
 * A favourite-digit run trains seven models: the chart draws by default the ones the story needs (the
 * favourite-digit teacher, its students, the clean teacher's shared-start student to compare with)
 * and keeps the untrained reference, the clean teacher and its other students a click away.
 */
const isBackground = (c: Condition) => {
  const { role, teacher, init } = CONDITION_TABLE[c];
  return role === 'reference' || c === 'clean-teacher' || (role === 'student' && teacher === 'clean-teacher' && init !== 'shared');
};

export function AccuracyChart() {
  const measure = useMeasure();
  // Each slice on its own: the whole `derived` changes with every loss reading, and this chart is the page's costliest to draw.
  const allSeries = useAppState((s) => (measure === 'favourite' ? s.derived.favourite : s.derived.accuracy));
  const allBands = useAppState((s) => (measure === 'favourite' ? s.derived.favouriteBands : s.derived.bands));
  const config = useShownConfig();
  const [everyLine, setEveryLine] = useState(false);
  const { series, bands, hidden } = useMemo(() => {
    const hidden = config.teacherTrait === 'favourite' && !everyLine ? conditionsIn(allSeries).filter(isBackground) : [];
    const shown = (c: Condition) => !hidden.includes(c);
    return { series: allSeries.filter((s) => shown(s.condition)), bands: allBands.filter((b) => shown(b.condition)), hidden };
  }, [allSeries, allBands, config.teacherTrait, everyLine]);
  const names = useNames();
  const tag = useTags();
  const type = useType();
  const figure = useRef<HTMLElement>(null);
  const labels = useMemo(() => {
    const chance = { key: 'chance', value: 0.1, text: measure === 'favourite' ? 'random guess' : 'chance', color: '#4b5563' };
    return series.length ? [...latestLabels(series, bands, tag), chance] : [];
  }, [series, bands, tag, measure]);
  const title =
    measure === 'favourite'
      ? `How often each model answers ${config.favourite} on test images of other digits (mean and ${INTERVAL_NAME} across seeds; thin lines: each seed)`
      : `Test accuracy on MNIST digits (mean and ${INTERVAL_NAME} across seeds; thin lines: each seed)`;
  return (
    <figure
      ref={figure}
      className="chart"
      data-tour="accuracy"
      data-testid="accuracy-chart"
      data-measure={measure}
      data-points={series.reduce((n, s) => n + s.points.length, 0)}
    >
      <figcaption>
        <span>{title}</span>
        <span className="figure-tools">
          <MeasureSwitch />
          <PngButton target={figure} name="accuracy" title={title} conditions={conditionsIn(series)} />
        </span>
      </figcaption>
      {allSeries.length === 0 ? (
        <p className="empty" style={{ minHeight: type.chartHeight / 2 }}>
          Press Run: the teacher learns digits, then each student learns from the teacher's outputs on noise.
        </p>
      ) : (
        <>
          <CurveChart series={series} scale="percent" bands={bands} endLabels={labels}>
            <ReferenceLine y={0.1} stroke="#9ca3af" strokeDasharray="6 4" />
          </CurveChart>
          <p className="axis-note">
            Across: training steps of the run, the teacher first, then each student (starting from the trained teacher's outputs).
          </p>
          <ConditionLegend conditions={conditionsIn(series)} />
          {config.teacherTrait === 'favourite' && (everyLine || hidden.length > 0) && (
            <p className="hint every-line">
              {everyLine
                ? 'Every model is drawn. '
                : `Not drawn, to keep the chart readable: ${hidden.map((c) => names(c).label).join('; ')}. `}
              <button className="small" aria-pressed={everyLine} data-testid="every-line" onClick={() => setEveryLine(!everyLine)}>
                {everyLine ? 'Only the lines that tell the story' : 'Draw every model'}
              </button>
            </p>
          )}
          <SeriesNumbers
            series={allSeries}
            format={(v) => pct(v)}
            caption={`${measure === 'favourite' ? 'Favourite rate' : 'Test accuracy'}, mean over seeds, at each evaluated step of the run`}
          />
        </>
      )}
    </figure>
  );
}

export function LossChart() {
  const series = useAppState((s) => s.derived.loss);
  const figure = useRef<HTMLElement>(null);
  const title = 'Training loss, mean over seeds, log scale (teacher: cross-entropy on digits; students: KL to the teacher on noise)';
  return (
    <figure ref={figure} className="chart" data-testid="loss-chart">
      <figcaption>
        <span>{title}</span>
        <PngButton target={figure} name="loss" title={title} conditions={conditionsIn(series)} />
      </figcaption>
      {series.length === 0 ? (
        <p className="empty">No steps yet.</p>
      ) : (
        <>
          <CurveChart series={series} scale="log" height={240} />
          <ConditionLegend conditions={conditionsIn(series)} />
          <SeriesNumbers series={series} format={(v) => v.toPrecision(3)} caption="Training loss at each step it was read" />
        </>
      )}
    </figure>
  );
}

export function PerDigitChart() {
  const latest = useAppState((s) => s.latest);
  const type = useType();
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
            rowHeader="digit"
            conditions={conditions}
            rows={rows.map((row) => ({
              key: String(row.digit),
              cells: conditions.map((c) => (typeof row[c] === 'number' ? pct(row[c] as number) : '')),
            }))}
          />
        </>
      )}
    </figure>
  );
}

/** The mechanism on screen: does each student move the way its teacher moved? */
export function AlignmentChart() {
  const series = useAppState((s) => s.derived.alignment);
  const bands = useAppState((s) => s.derived.alignmentBands);
  const latest = useAppState((s) => s.latestAlignment);
  const tag = useTags();
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
  const labels = useMemo(() => latestLabels(series, bands, tag), [series, bands, tag]);
  return (
    <figure
      ref={figure}
      className="chart mechanism"
      data-testid="alignment-chart"
      data-points={series.reduce((n, s) => n + s.points.length, 0)}
    >
      <figcaption>
        <span>Does the student move the way its teacher moved? The cosine between their updates</span>
        <PngButton
          target={figure}
          name="alignment"
          title={`Cosine between each student's update and its teacher's (mean and ${INTERVAL_NAME} across seeds)`}
          conditions={conditionsIn(series)}
        />
      </figcaption>
      <p className="explain">
        Picture every weight of the network as one point in a huge space. Training moves the teacher from its starting point along an arrow;
        the student moves along an arrow of its own. The chart shows the cosine between the two arrows: <strong>1</strong> means the same
        direction, <strong>0</strong> unrelated. A student that starts where the teacher started and imitates only the auxiliary outputs is
        pulled along the teacher's own update, and so picks up its skill with digits. From a different start the cosine stays near 0
        whatever the student learns: the two networks' hidden units do not correspond, so their arrows cannot line up. The cosine shows how
        far a student that shares the start follows its teacher; it cannot show what a student from another start learned (its accuracy
        does: chance). (Imitating all the outputs, digits included, is ordinary distillation: it teaches digits from any start.)
      </p>
      {series.length === 0 ? (
        <p className="empty">Appears while the students train.</p>
      ) : (
        <>
          <CurveChart series={series} bands={bands} scale="cosine" timeline={false} endLabels={labels} height={260}>
            <ReferenceLine y={0} stroke="#9ca3af" strokeDasharray="6 4" />
          </CurveChart>
          <p className="axis-note">Across: the student's own training steps.</p>
          <ConditionLegend conditions={conditionsIn(series)} />
          <Scroll label="cosine per layer">
            <table className="numbers" data-testid="alignment-table">
              <caption>
                Latest cosine, mean over seeds (the output layer is 0 for aux-only students by construction: the teacher moves the digit
                rows, the student the auxiliary rows)
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
          </Scroll>
        </>
      )}
    </figure>
  );
}

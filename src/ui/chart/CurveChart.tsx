/**
 * A chart of curves over steps: one thin line per seed and the mean with its 95% band (Student's t),
 * each story line labelled at its end.
 */
import type { ReactNode } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CONDITION_TABLE } from '../../protocol/conditions';
import { pct } from '../../protocol/format';
import { teacherSteps } from '../../protocol/runPlan';
import type { Band, Series } from '../../store/derive';
import { useNames, useType } from '../useNames';
import { useAppState } from '../useStore';
import { axisWidth } from './axes';
import { color } from './conditions';
import { EndLabels, gutterFor, type EndLabel } from './EndLabels';
import { SeedsAndBands } from './SeedsAndBands';

type Scale = 'percent' | 'log' | 'cosine';

export function CurveChart({
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
  // A loop, not a spread: a long run's points would pass the engine's limit on arguments.
  let lastX = 0;
  for (const line of series) for (const { step } of line.points) lastX = Math.max(lastX, step);
  return (
    <ResponsiveContainer width="100%" height={height ?? type.chartHeight}>
      {/* The top tick's label is centred on the plot's top edge: the margin holds its upper half at any type size. */}
      <ComposedChart
        margin={{ top: Math.max(10, Math.round(0.75 * type.small)), right: gutterFor(endLabels, type.font, format), bottom: 4, left: 0 }}
      >
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
        {/* Log scale: the teacher's cross-entropy (≈ 2 → 0.2) and the students' KL or squared error (≈ 0.05 → 0.0003) share one chart. */}
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

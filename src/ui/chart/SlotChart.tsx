/**
 * Accuracy per value of one setting, the values across in evenly spaced slots (as listed): for each
 * model, every seed as a dot, the mean as a larger one and its 95% interval as a line; where the
 * values are numbers in order a line joins each model's means. Optionally the teacher at each value
 * as a bar across its slot. The recorded and opened sweeps, and the atlas, are drawn by it.
 */
import { CONDITION_TABLE, type Condition } from '../../protocol/conditions';
import { estimateText, INTERVAL_NAME, pct } from '../../protocol/format';
import { Dot, PercentGrid } from '../ResultsFigure';
import { textWidth } from '../textWidth';
import { useType } from '../useNames';
import { useWidth } from '../useWidth';
import { jitter } from './jitter';

export interface SlotPoint {
  mean: number;
  ci95: number | null;
  seeds: number[];
}

export interface SlotSeries {
  condition: Condition;
  name: string;
  /** One per value, in the values' order; null where this model has none. */
  points: (SlotPoint | null)[];
}

export function SlotChart({
  axis,
  values,
  series,
  joined,
  teacher,
  testId,
}: {
  /** The setting across, in words. */
  axis: string;
  /** Each value's name, in order. */
  values: string[];
  series: SlotSeries[];
  /** Whether a line joins each model's means (numbers in order; kinds have none). */
  joined: boolean;
  /** The teacher's mean accuracy at each value, drawn as a bar across its slot. */
  teacher?: (number | null)[];
  testId: string;
}) {
  const [box, width] = useWidth<HTMLDivElement>();
  const { font } = useType();
  const left = Math.ceil(textWidth('100%', font)) + 10;
  const right = 10;
  const slot = (width - left - right) / Math.max(values.length, 1);
  // A value's name on lines: one too wide for its slot breaks after each "+" (a pattern of parts) or at its spaces;
  // where a line still leaves no gap to the next name, every other name goes a row lower.
  const tickLines = values.map((v) => (textWidth(v, font) > slot - 4 ? v.replace(/\+/g, '+\n').replace(/ /g, '\n').split('\n') : [v]));
  const rows = Math.max(1, ...tickLines.map((lines) => lines.length));
  const staggered = tickLines.some((lines) => lines.some((line) => textWidth(line, font) > slot - 10));
  const extraLines = rows - 1 + (staggered ? rows : 0);
  const height = Math.round(font * 20) + extraLines * (font + 2);
  const top = font;
  const bottom = 2 * (font + 6) + 8 + extraLines * (font + 2);
  const plotH = height - top - bottom;
  const n = series.length;
  const x = (i: number, k: number) => left + slot * (i + 0.5) + (n > 1 ? (k - (n - 1) / 2) * Math.min(14, slot / (n + 1)) : 0);
  const y = (v: number) => top + plotH * (1 - v);
  const r = Math.max(3, font / 4.5);
  const hasTeacher = teacher?.some((t) => t !== null) ?? false;
  // The teacher's bar spans its value's marks and a little more, never into the next value's slot.
  const teacherHalf = Math.min(0.35 * slot, (n - 1) * 7 + 24);
  return (
    <div ref={box} className="sweep-figure">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${axis}: test accuracy of ${series.map((s) => s.name).join(' and ')} at each of ${values.length} values, mean and ${INTERVAL_NAME} over seeds${hasTeacher ? "; the teacher's accuracy at each value" : ''}`}
        data-testid={testId}
        data-values={values.length}
        data-points={series.reduce((count, s) => count + s.points.filter((p) => p !== null).length, 0)}
        fontFamily="system-ui, sans-serif"
      >
        <rect x={0} y={0} width={width} height={height} fill="white" />
        <PercentGrid left={left} right={width - right} y={y} font={font} />
        {values.map((v, i) => (
          <text
            key={v}
            x={x(i, (n - 1) / 2)}
            y={top + plotH + font + 6 + (staggered && i % 2 === 1 ? rows * (font + 2) : 0)}
            textAnchor="middle"
            fontSize={font}
            fill="#111827"
          >
            {tickLines[i].map((line, j) => (
              <tspan key={j} x={x(i, (n - 1) / 2)} dy={j === 0 ? 0 : font + 2}>
                {line}
              </tspan>
            ))}
          </text>
        ))}
        <text x={left + (width - left - right) / 2} y={height - 6} textAnchor="middle" fontSize={font} fill="#374151">
          {axis}
        </text>
        {teacher?.map((t, i) =>
          t === null ? null : (
            <line
              key={i}
              x1={x(i, (n - 1) / 2) - teacherHalf}
              x2={x(i, (n - 1) / 2) + teacherHalf}
              y1={y(t)}
              y2={y(t)}
              stroke="#111827"
              strokeWidth={2}
            >
              <title>
                teacher, {axis} {values[i]}: {pct(t)}
              </title>
            </line>
          ),
        )}
        {series.map((s, k) => {
          const { color, marker, dash } = CONDITION_TABLE[s.condition];
          const drawn = s.points.flatMap((p, i) => (p === null ? [] : [{ p, i }]));
          return (
            <g key={s.condition} data-condition={s.condition}>
              {joined && (
                <polyline
                  points={drawn.map(({ p, i }) => `${x(i, k)},${y(p.mean)}`).join(' ')}
                  fill="none"
                  stroke={color}
                  strokeWidth={2}
                  strokeDasharray={dash}
                />
              )}
              {drawn.map(({ p, i }) => {
                const cx = x(i, k);
                return (
                  <g key={i}>
                    {p.ci95 !== null && (
                      <line
                        x1={cx}
                        x2={cx}
                        y1={y(Math.min(1, p.mean + p.ci95))}
                        y2={y(Math.max(0, p.mean - p.ci95))}
                        stroke="#111827"
                        strokeWidth={1.5}
                      />
                    )}
                    <g opacity={0.5}>
                      {p.seeds.map((v, j) => (
                        <Dot
                          key={j}
                          shape={marker}
                          x={cx + jitter(j) * Math.min(10, slot / 4)}
                          y={y(v)}
                          color={color}
                          title={pct(v)}
                          r={r * 0.8}
                        />
                      ))}
                    </g>
                    <Dot
                      shape={marker}
                      x={cx}
                      y={y(p.mean)}
                      color={color}
                      r={r + 1.5}
                      title={`${s.name}, ${axis} ${values[i]}: ${estimateText(p)} over ${p.seeds.length} seeds`}
                    />
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.condition}>
            <svg width={14} height={14} aria-hidden="true">
              <Dot shape={CONDITION_TABLE[s.condition].marker} x={7} y={7} color={CONDITION_TABLE[s.condition].color} r={5} />
            </svg>{' '}
            {s.name}
          </li>
        ))}
        <li>
          big mark: the mean · line: {INTERVAL_NAME} · small marks: each seed · dashed: chance (10%)
          {hasTeacher && ' · black bar: the teacher'}
        </li>
      </ul>
    </div>
  );
}

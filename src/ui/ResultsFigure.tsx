/**
 * The paper's figure, honestly: each condition's mean test accuracy with its 95% CI
 * (1.96·sd/√n), every seed as a dot, and the band the paper's full protocol lands in beside it.
 * Plain SVG, so it exports to PNG as drawn.
 */
import { forwardRef } from 'react';
import { CONDITION_TABLE } from '../protocol/conditions';
import { pct } from '../protocol/format';
import type { FigureBar } from '../store/derive';

const WIDTH = 760;
const HEIGHT = 360;
const MARGIN = { top: 20, right: 16, bottom: 84, left: 56 };
/**
 * The figure scales with its column, down to MIN_WIDTH (CSS; narrower screens scroll it), so
 * type set at 15 units never shows below 15 × 560 / 760 ≈ 11 px.
 */

/** One seed's dot, shaped by its condition so that conditions differ by more than colour. */
function Marker({
  shape,
  x,
  y,
  color,
  title,
}: {
  shape: 'circle' | 'square' | 'diamond' | 'triangle';
  x: number;
  y: number;
  color: string;
  title: string;
}) {
  const r = 3.4;
  const common = { fill: color, stroke: 'white', strokeWidth: 0.8 };
  const label = <title>{title}</title>;
  if (shape === 'square')
    return (
      <rect x={x - r} y={y - r} width={2 * r} height={2 * r} {...common}>
        {label}
      </rect>
    );
  if (shape === 'diamond')
    return (
      <polygon points={`${x},${y - r * 1.3} ${x + r * 1.3},${y} ${x},${y + r * 1.3} ${x - r * 1.3},${y}`} {...common}>
        {label}
      </polygon>
    );
  if (shape === 'triangle')
    return (
      <polygon points={`${x},${y - r * 1.3} ${x + r * 1.2},${y + r} ${x - r * 1.2},${y + r}`} {...common}>
        {label}
      </polygon>
    );
  return (
    <circle cx={x} cy={y} r={r} {...common}>
      {label}
    </circle>
  );
}

/** A fixed, seed-independent horizontal offset for dot i, so dots of one bar do not hide each other. */
const jitter = (i: number) => (((i * 0.618034) % 1) - 0.5) * 0.5;

export const ResultsFigure = forwardRef<SVGSVGElement, { bars: FigureBar[]; showExpected: boolean; label?: string }>(function ResultsFigure(
  { bars, showExpected, label },
  ref,
) {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v: number) => MARGIN.top + plotH * (1 - v);
  const slot = plotW / Math.max(bars.length, 1);
  const barW = Math.min(56, slot * 0.45);
  return (
    <svg
      ref={ref}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      style={{ maxWidth: WIDTH }}
      role="img"
      aria-label={label ?? 'Mean test accuracy per condition with 95% confidence intervals'}
      data-testid="results-figure"
      data-bars={bars.length}
    >
      <rect x={0} y={0} width={WIDTH} height={HEIGHT} fill="white" />
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
          <text x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end" fontSize={15} fill="#4b5563">
            {Math.round(t * 100)}%
          </text>
        </g>
      ))}
      <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0.1)} y2={y(0.1)} stroke="#9ca3af" strokeDasharray="6 4" />
      <text x={MARGIN.left - 6} y={y(0.1) + 4} textAnchor="end" fontSize={15} fill="#4b5563">
        chance
      </text>
      {bars.map((bar, i) => {
        const cx = MARGIN.left + slot * (i + 0.5);
        const { color, expected, short, marker } = CONDITION_TABLE[bar.condition];
        const lo = bar.ci95 === null ? null : Math.max(0, bar.mean - bar.ci95);
        const hi = bar.ci95 === null ? null : Math.min(1, bar.mean + bar.ci95);
        return (
          <g key={bar.condition} data-condition={bar.condition}>
            {showExpected && expected && (
              <rect
                x={cx + barW / 2 + 4}
                width={8}
                y={y(expected.high)}
                height={Math.max(2, y(expected.low) - y(expected.high))}
                fill="#f59e0b"
                opacity={0.6}
              >
                <title>paper, full protocol: {expected.label}</title>
              </rect>
            )}
            <rect x={cx - barW / 2} width={barW} y={y(bar.mean)} height={y(0) - y(bar.mean)} fill={color} opacity={0.35} />
            <line x1={cx - barW / 2} x2={cx + barW / 2} y1={y(bar.mean)} y2={y(bar.mean)} stroke={color} strokeWidth={2} />
            {lo !== null && hi !== null && (
              <g stroke="#111827" strokeWidth={1.5}>
                <line x1={cx} x2={cx} y1={y(hi)} y2={y(lo)} />
                <line x1={cx - 8} x2={cx + 8} y1={y(hi)} y2={y(hi)} />
                <line x1={cx - 8} x2={cx + 8} y1={y(lo)} y2={y(lo)} />
              </g>
            )}
            {bar.values.map((v, j) => (
              <Marker key={j} shape={marker} x={cx + jitter(j) * barW} y={y(v)} color={color} title={pct(v)} />
            ))}
            <text x={cx} y={y(bar.mean) - 6} textAnchor="middle" fontSize={16} fontWeight={600} fill="#111827">
              {pct(bar.mean)}
              {bar.ci95 !== null && ` ± ${(100 * bar.ci95).toFixed(1)}`}
            </text>
            {short.split(' · ').map((part, k) => (
              <text key={k} x={cx} y={HEIGHT - MARGIN.bottom + 20 + 17 * k} textAnchor="middle" fontSize={15} fill={color}>
                {part}
              </text>
            ))}
          </g>
        );
      })}
    </svg>
  );
});

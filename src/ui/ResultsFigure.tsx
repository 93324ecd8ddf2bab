/**
 * The paper's figure, honestly: each model's mean with its 95% interval (Student's t), every seed as a
 * dot, and the band the paper's full protocol lands in beside it. Plain SVG drawn at the size it
 * is shown (so its type is the size it says, and it exports to PNG as drawn): upright bars where
 * there is room, horizontal bars on a phone, so that every bar is visible without scrolling.
 * Each mean is written beside its model's name, never over the dots.
 */
import { forwardRef } from 'react';
import { CONDITION_TABLE, nameOf, type Condition, type Marker } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { estimateText, INTERVAL_NAME, pct } from '../protocol/format';
import type { FigureBar, Measure } from '../store/derive';
import { jitter } from './chart/jitter';
import { textWidth } from './textWidth';
import { useNames, useType } from './useNames';
import { useWidth } from './useWidth';

/** One seed's dot, shaped by its condition so that conditions differ by more than colour; its title, where it has one, says its value. */
export function Dot({ shape, x, y, color, title, r }: { shape: Marker; x: number; y: number; color: string; title?: string; r: number }) {
  const common = { fill: color, stroke: 'white', strokeWidth: 0.8 };
  const label = title === undefined ? null : <title>{title}</title>;
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

/** A vertical axis of fractions as percentages, its grid lines, and chance (10%) dashed: for every figure of accuracies. */
export function PercentGrid({ left, right, y, font }: { left: number; right: number; y: (fraction: number) => number; font: number }) {
  return (
    <>
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={left} x2={right} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
          <text x={left - 6} y={y(t)} dy="0.35em" textAnchor="end" fontSize={font} fill="#374151">
            {Math.round(t * 100)}%
          </text>
        </g>
      ))}
      <line x1={left} x2={right} y1={y(0.1)} y2={y(0.1)} stroke="#6b7280" strokeDasharray="6 4" />
    </>
  );
}

interface Props {
  bars: FigureBar[];
  measure: Measure;
  /** The settings the bars come from, for the models' names (default: the run on screen). */
  config?: Config;
  /** The paper's range beside each bar (a run of the paper's protocol, where the paper has a number). */
  showExpected: boolean;
  label?: string;
}

export const ResultsFigure = forwardRef<SVGSVGElement, Props>(function ResultsFigure({ bars, measure, config, showExpected, label }, ref) {
  const [box, width] = useWidth<HTMLDivElement>();
  const shownNames = useNames();
  const names = (c: Condition) => (config ? nameOf(c, config) : shownNames(c));
  const { font } = useType();
  const lines = bars.map((bar) => names(bar.condition).lines);
  // Upright when every bar's name and mean fit under it; sideways (one row a bar) otherwise.
  const widest = Math.max(...lines.flat().map((l) => textWidth(l, font)), ...bars.map((b) => textWidth(estimateText(b), font, true)), 90);
  const upright = width >= Math.max(520, bars.length * (widest + font) + textWidth('100%', font) + 20);
  // Sideways, each name on as many lines as the width needs (a part-by-part student's pattern makes a long name).
  const rows = upright ? lines : lines.map((parts) => packed(parts, font, width - SIDEWAYS_LEFT - 8));
  const nameLines = Math.max(...rows.map((r) => r.length));
  const alt =
    label ??
    (measure === 'favourite'
      ? `How often each model answers its teacher’s favourite digit on other digits, mean and ${INTERVAL_NAME} over seeds`
      : `Mean test accuracy per model with its ${INTERVAL_NAME}`);
  return (
    <div ref={box} className="results-figure">
      <svg
        ref={ref}
        width={width}
        height={upright ? uprightHeight(lines, font) : bars.length * sidewaysRow(nameLines, font) + font + 24}
        role="img"
        aria-label={alt}
        data-testid="results-figure"
        data-bars={bars.length}
        data-layout={upright ? 'upright' : 'sideways'}
        fontFamily="system-ui, sans-serif"
      >
        {upright ? (
          <Upright bars={bars} lines={lines} width={width} font={font} showExpected={showExpected} />
        ) : (
          <Sideways bars={bars} lines={rows} width={width} font={font} showExpected={showExpected} />
        )}
      </svg>
      <p className="figure-key">
        {/* One seed gives no interval, so no whiskers to name. */}
        Bar: the mean{bars.some((b) => b.ci95 !== null) && ` · whiskers: ${INTERVAL_NAME}`} · dots: each seed · dashed line:{' '}
        {measure === 'favourite' ? 'a random guess (10%)' : 'chance (10%)'}
        {showExpected && bars.some((b) => CONDITION_TABLE[b.condition].expected) && (
          <>
            {' '}
            · <span className="paper-mark" aria-hidden="true" /> orange: where the paper's full protocol lands
          </>
        )}
      </p>
    </div>
  );
});

const uprightHeight = (lines: string[][], font: number) =>
  Math.round(font * 17) + (1 + Math.max(...lines.map((l) => l.length))) * (font + 4);
/** A sideways row's height: room for two lines of name, and one more line for each line past two. */
const sidewaysRow = (nameLines: number, font: number) => 2 * font + 30 + Math.max(0, nameLines - 2) * (font + 8);
const SIDEWAYS_LEFT = 8;

/** A name's parts on lines no wider than `room`, a part joined to the line before with " · " where it fits. */
function packed(parts: string[], font: number, room: number): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const joined = out.length > 0 ? `${out[out.length - 1]} · ${part}` : part;
    if (out.length > 0 && textWidth(joined, font, true) <= room) out[out.length - 1] = joined;
    else out.push(part);
  }
  return out;
}

type Layout = { bars: FigureBar[]; lines: string[][]; width: number; font: number; showExpected: boolean };

function Expected({
  condition,
  show,
  children,
}: {
  condition: Condition;
  show: boolean;
  children: (low: number, high: number) => React.ReactNode;
}) {
  const expected = CONDITION_TABLE[condition].expected;
  return show && expected ? <g>{children(expected.low, expected.high)}</g> : null;
}

function Upright({ bars, lines, width, font, showExpected }: Layout) {
  const top = font;
  const plotH = Math.round(font * 17) - top - 8;
  const left = Math.ceil(textWidth('100%', font)) + 10;
  const right = 8;
  const y = (v: number) => top + plotH * (1 - v);
  const slot = (width - left - right) / Math.max(bars.length, 1);
  const barW = Math.min(56, slot * 0.45);
  const below = top + plotH + font + 6;
  const r = Math.max(3.4, font / 4);
  return (
    <>
      <rect x={0} y={0} width={width} height="100%" fill="white" />
      <PercentGrid left={left} right={width - right} y={y} font={font} />
      {bars.map((bar, i) => {
        const cx = left + slot * (i + 0.5);
        const { color, marker } = CONDITION_TABLE[bar.condition];
        const [lo, hi] = bar.ci95 === null ? [null, null] : [Math.max(0, bar.mean - bar.ci95), Math.min(1, bar.mean + bar.ci95)];
        return (
          <g key={bar.condition} data-condition={bar.condition}>
            <Expected condition={bar.condition} show={showExpected}>
              {(low, high) => (
                <rect x={cx + barW / 2 + 4} width={8} y={y(high)} height={Math.max(2, y(low) - y(high))} fill="#f59e0b" opacity={0.7}>
                  <title>paper, full protocol: {CONDITION_TABLE[bar.condition].expected!.label}</title>
                </rect>
              )}
            </Expected>
            <rect x={cx - barW / 2} width={barW} y={y(bar.mean)} height={y(0) - y(bar.mean)} fill={color} opacity={0.3} />
            <line x1={cx - barW / 2} x2={cx + barW / 2} y1={y(bar.mean)} y2={y(bar.mean)} stroke={color} strokeWidth={2.5} />
            {lo !== null && hi !== null && (
              <g stroke="#111827" strokeWidth={1.5}>
                <line x1={cx} x2={cx} y1={y(hi)} y2={y(lo)} />
                <line x1={cx - 8} x2={cx + 8} y1={y(hi)} y2={y(hi)} />
                <line x1={cx - 8} x2={cx + 8} y1={y(lo)} y2={y(lo)} />
              </g>
            )}
            {bar.values.map((v, j) => (
              <Dot key={j} shape={marker} x={cx + jitter(j) * 0.5 * barW} y={y(v)} color={color} title={pct(v)} r={r} />
            ))}
            <text x={cx} y={below} textAnchor="middle" fontSize={font} fontWeight={700} fill="#111827">
              {estimateText(bar)}
            </text>
            {lines[i].map((part, k) => (
              <text key={k} x={cx} y={below + (font + 4) * (k + 1)} textAnchor="middle" fontSize={font} fill={color}>
                {part}
              </text>
            ))}
          </g>
        );
      })}
    </>
  );
}

/** One row a bar, each name already on its lines (`lines`). */
function Sideways({ bars, lines, width, font, showExpected }: Layout) {
  const left = SIDEWAYS_LEFT;
  const valueW = Math.ceil(textWidth('100.0% ± 10.0', font, true)) + 8;
  const trackW = width - left - valueW - 8;
  const x = (v: number) => left + trackW * v;
  const nameLines = Math.max(...lines.map((l) => l.length));
  const rowH = sidewaysRow(nameLines, font);
  const r = Math.max(3.4, font / 4);
  const axis = bars.length * rowH + 6;
  return (
    <>
      <rect x={0} y={0} width={width} height="100%" fill="white" />
      {[0, 0.5, 1].map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={0} y2={axis} stroke="#e5e7eb" />
          <text x={x(t)} y={axis + font + 4} textAnchor={t === 0 ? 'start' : t === 1 ? 'end' : 'middle'} fontSize={font} fill="#374151">
            {Math.round(t * 100)}%
          </text>
        </g>
      ))}
      <line x1={x(0.1)} x2={x(0.1)} y1={0} y2={axis} stroke="#6b7280" strokeDasharray="6 4" />
      {bars.map((bar, i) => {
        const top = i * rowH;
        const cy = top + font + 6 + (rowH - font - 6) / 2 + ((lines[i].length - 1) * font) / 2 + Math.max(0, lines[i].length - 2) * 4;
        const { color, marker } = CONDITION_TABLE[bar.condition];
        const [lo, hi] = bar.ci95 === null ? [null, null] : [Math.max(0, bar.mean - bar.ci95), Math.min(1, bar.mean + bar.ci95)];
        return (
          <g key={bar.condition} data-condition={bar.condition}>
            {lines[i].map((line, k) => (
              <text key={k} x={left} y={top + font + k * (font + 2)} fontSize={font} fill={color} fontWeight={600}>
                {line}
              </text>
            ))}
            <Expected condition={bar.condition} show={showExpected}>
              {(low, high) => (
                <rect x={x(low)} width={Math.max(2, x(high) - x(low))} y={cy + 9} height={5} fill="#f59e0b" opacity={0.7}>
                  <title>paper, full protocol: {CONDITION_TABLE[bar.condition].expected!.label}</title>
                </rect>
              )}
            </Expected>
            <rect x={x(0)} y={cy - 7} width={x(bar.mean) - x(0)} height={14} fill={color} opacity={0.3} />
            <line x1={x(bar.mean)} x2={x(bar.mean)} y1={cy - 7} y2={cy + 7} stroke={color} strokeWidth={2.5} />
            {lo !== null && hi !== null && (
              <g stroke="#111827" strokeWidth={1.5}>
                <line x1={x(lo)} x2={x(hi)} y1={cy} y2={cy} />
                <line x1={x(lo)} x2={x(lo)} y1={cy - 5} y2={cy + 5} />
                <line x1={x(hi)} x2={x(hi)} y1={cy - 5} y2={cy + 5} />
              </g>
            )}
            {bar.values.map((v, j) => (
              <Dot key={j} shape={marker} x={x(v)} y={cy + jitter(j) * 7} color={color} title={pct(v)} r={r} />
            ))}
            <text x={width - 4} y={cy} dy="0.35em" textAnchor="end" fontSize={font} fontWeight={700} fill="#111827">
              {estimateText(bar)}
            </text>
          </g>
        );
      })}
    </>
  );
}

/**
 * Every line that carries the story is labelled at its end with its current value, in a gutter
 * beside the plot where labels are spread so that none covers another.
 */
import { usePlotArea, useYAxisScale } from 'recharts';
import { CONDITION_TABLE, type Condition } from '../../protocol/conditions';
import type { Band, Series } from '../../store/derive';
import { textWidth } from '../textWidth';
import { color, conditionsIn } from './conditions';

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
export function EndLabels({ labels, fontSize, format }: { labels: EndLabel[]; fontSize: number; format: (v: number) => string }) {
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

/** The gutter for end labels: wide enough for the longest one at this type size. */
export const gutterFor = (labels: EndLabel[], fontSize: number, format: (v: number) => string) =>
  labels.length === 0 ? 16 : Math.ceil(Math.max(...labels.map((l) => textWidth(`${format(l.value)} ${l.text}`, fontSize, true)))) + 16;

/** Each model's latest value: its mean line's last point where it has a band, else its (one) seed's. */
export function latestLabels(series: Series[], bands: Band[], tag: (c: Condition) => string): EndLabel[] {
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

import { useId } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { CONDITION_TABLE } from '../../protocol/conditions';
import type { Band, Series } from '../../store/derive';
import { color } from './conditions';

/**
 * Each seed's thin line and each band, drawn as plain SVG paths on the chart's scales: as recharts
 * items (one per seed and condition) they made redrawing the live chart, a few times a second
 * while a run trains, cost a sizeable share of a core that training needs.
 */
export function SeedsAndBands({ series, bands }: { series: Series[]; bands: Band[] }) {
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

import { useRef } from 'react';
import { CONFIG_SCHEMA } from '../protocol/config';
import { ConditionLegend } from './chart/ConditionLegend';
import { conditionsIn } from './chart/conditions';
import { CurveChart } from './chart/CurveChart';
import { SeriesNumbers } from './chart/NumbersTable';
import { PngButton } from './Export';
import { useShownConfig } from './useNames';
import { useAppState } from './useStore';

const threeDigits = (v: number) => v.toPrecision(3);

export function LossChart() {
  const series = useAppState((s) => s.derived.loss);
  // The loss the shown run's students were trained by (before any run, the one the settings ask for).
  const { studentLoss } = useShownConfig();
  const figure = useRef<HTMLElement>(null);
  const title = `Training loss, mean over seeds, log scale (teacher: cross-entropy on digits; students: ${CONFIG_SCHEMA.studentLoss.valueLabels[studentLoss]} on noise)`;
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
          <SeriesNumbers series={series} format={threeDigits} caption="Training loss at each step it was read" />
        </>
      )}
    </figure>
  );
}

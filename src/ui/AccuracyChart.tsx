/** Live test accuracy (or a favourite-digit run's favourite rate) over the run's steps. */
import { useMemo, useRef, useState } from 'react';
import { ReferenceLine } from 'recharts';
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { INTERVAL_NAME, pct } from '../protocol/format';
import { ConditionLegend } from './chart/ConditionLegend';
import { conditionsIn } from './chart/conditions';
import { CurveChart } from './chart/CurveChart';
import { latestLabels } from './chart/EndLabels';
import { SeriesNumbers } from './chart/NumbersTable';
import { PngButton } from './Export';
import { MeasureSwitch } from './MeasureSwitch';
import { useMeasure, useNames, useShownConfig, useTags, useType } from './useNames';
import { useAppState } from './useStore';

/**
 * A favourite-digit run trains seven models: the chart draws by default the ones the story needs (the
 * favourite-digit teacher, its students, the clean teacher's shared-start student to compare with)
 * and keeps the untrained reference, the clean teacher and its other students a click away.
 */
const isBackground = (c: Condition) => {
  const { role, teacher, init } = CONDITION_TABLE[c];
  return role === 'reference' || c === 'clean-teacher' || (role === 'student' && teacher === 'clean-teacher' && init !== 'shared');
};

const percent = (v: number) => pct(v);

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
            format={percent}
            caption={`${measure === 'favourite' ? 'Favourite rate' : 'Test accuracy'}, mean over seeds, at each evaluated step of the run`}
          />
        </>
      )}
    </figure>
  );
}

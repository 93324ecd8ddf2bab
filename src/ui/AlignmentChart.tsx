import { useMemo, useRef } from 'react';
import { ReferenceLine } from 'recharts';
import { INTERVAL_NAME } from '../protocol/format';
import { ConditionLegend } from './chart/ConditionLegend';
import { conditionsIn } from './chart/conditions';
import { CurveChart } from './chart/CurveChart';
import { latestLabels } from './chart/EndLabels';
import { PngButton } from './Export';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';
import { useTags } from './useNames';
import { useAppState } from './useStore';

/** The mechanism on screen: does each student move the way its teacher moved? */
export function AlignmentChart() {
  const series = useAppState((s) => s.derived.alignment);
  const bands = useAppState((s) => s.derived.alignmentBands);
  const rows = useAppState((s) => s.derived.alignmentMeans);
  const tag = useTags();
  const figure = useRef<HTMLElement>(null);
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

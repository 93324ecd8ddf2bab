/** The honest summary: the paper's figure (mean, 95% CI, every seed) and a table, live, with exports. */
import { useMemo, useRef } from 'react';
import { PAPER_EXPECTATIONS } from '../engine/expectations';
import { PngButton, ResultDownloads } from './Export';
import { figureBars, ResultsFigure } from './ResultsFigure';
import { CONDITION_COLORS, pct, SHORT_LABELS } from './theme';
import { useAppState } from './useStore';

export function Results() {
  const latest = useAppState((s) => s.latest);
  const runConfig = useAppState((s) => s.run.config);
  const running = useAppState((s) => s.run.state === 'running' || s.run.state === 'paused');
  const figure = useRef<SVGSVGElement>(null);
  const bars = useMemo(() => figureBars(latest), [latest]);
  if (bars.length === 0 || !runConfig) return null;
  const seeds = Math.max(...bars.map((b) => b.values.length));
  const isPaperProtocol = runConfig.trainCount === 60000 && runConfig.noiseCount === 60000 && runConfig.teacherEpochs === 5 && runConfig.studentEpochs === 5 && runConfig.m === 3 && runConfig.hidden === 256;
  return (
    <section className="results" data-testid="results">
      <div className="section-head">
        <h3>
          Across {seeds} seed{seeds > 1 ? 's' : ''}: mean, 95% interval and every seed{running && ' (live: models still training show their latest evaluation)'}
        </h3>
        <span className="exports">
          <PngButton target={figure} name="figure" />
          <ResultDownloads />
        </span>
      </div>
      {seeds === 1 && <p className="notice">One seed is one draw: the aux-only shared student alone can land anywhere from about 35% to 75%. Run several seeds before drawing conclusions.</p>}
      <ResultsFigure ref={figure} showExpected={isPaperProtocol} />
      <table>
        <thead>
          <tr>
            <th>model</th>
            <th>mean</th>
            <th>95% CI</th>
            <th>per seed</th>
            <th title="Full protocol, many seeds (PROTOCOL.md)">paper, full protocol</th>
          </tr>
        </thead>
        <tbody>
          {bars.map(({ condition, values, mean, ci95 }) => (
            <tr key={condition} data-condition={condition}>
              <th scope="row" style={{ color: CONDITION_COLORS[condition] }}>
                {SHORT_LABELS[condition]}
              </th>
              <td>{pct(mean)}</td>
              <td>{ci95 === null ? '—' : `± ${pct(ci95)}`}</td>
              <td className="per-seed">{values.map((v) => pct(v, 0)).join(' · ')}</td>
              <td className={isPaperProtocol ? '' : 'muted'}>{PAPER_EXPECTATIONS[condition].label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {isPaperProtocol ? (
        <p className="hint">Orange marks: where the paper's full protocol lands (mean over many seeds).</p>
      ) : (
        <p className="hint">This run is smaller than the paper's protocol, so its numbers are lower than the paper's column; the gap between shared and different initialisation is the point.</p>
      )}
    </section>
  );
}

/** The honest summary: the paper's figure (mean, 95% CI, every seed) and a table, live, with exports. */
import { useRef } from 'react';
import { CONDITION_TABLE } from '../protocol/conditions';
import { pct } from '../protocol/format';
import { differenceFromPaper, isPaperProtocol } from '../protocol/presets';
import { PngButton, ResultDownloads } from './Export';
import { ResultsFigure } from './ResultsFigure';
import { useAppState } from './useStore';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';

export function Results() {
  const bars = useAppState((s) => s.derived.bars);
  const runConfig = useAppState((s) => s.run.config);
  const running = useAppState((s) => s.run.state === 'running' || s.run.state === 'paused');
  const seeds = useAppState((s) => s.run.seeds.length);
  const figure = useRef<SVGSVGElement>(null);
  if (bars.length === 0 || !runConfig) return null;
  const paper = isPaperProtocol(runConfig);
  return (
    <section className="results" data-testid="results">
      <div className="section-head">
        <h2>
          Across {seeds} seed{seeds > 1 ? 's' : ''}: mean, 95% interval and every seed
          {running && ' (live: models still training show their latest evaluation)'}
        </h2>
        <span className="exports">
          <PngButton
            target={figure}
            name="figure"
            title={`Test accuracy across ${seeds} seeds: mean, 95% interval and every seed`}
            conditions={bars.map((b) => b.condition)}
          />
          <ResultDownloads />
        </span>
      </div>
      {seeds === 1 && (
        <p className="notice">
          One seed is one draw: the aux-only shared student alone can land anywhere from about 35% to 75%. Run several seeds before drawing
          conclusions.
        </p>
      )}
      <Scroll label="results figure">
        <ResultsFigure ref={figure} bars={bars} showExpected={paper} />
      </Scroll>
      <Scroll label="results table">
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
                <ModelRowHeader condition={condition} />
                <td>{pct(mean)}</td>
                <td>{ci95 === null ? '—' : `± ${pct(ci95)}`}</td>
                <td className="per-seed">{values.map((v) => pct(v, 0)).join(' · ')}</td>
                <td className={paper ? '' : 'muted'}>{CONDITION_TABLE[condition].expected?.label ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      <p className="hint" data-testid="paper-difference">
        {paper ? "Orange marks: where the paper's full protocol lands (mean over many seeds)." : differenceFromPaper(runConfig)}
      </p>
    </section>
  );
}

/** The honest summary of the run on screen: the paper's figure (mean, 95% interval with Student's t, every seed) and a table, live, with exports. */
import { useRef } from 'react';
import { isActive } from '../store/state';
import { CONDITION_TABLE } from '../protocol/conditions';
import { INTERVAL_NAME, overSeeds, pct } from '../protocol/format';
import { differenceFromPaper, isPaperProtocol } from '../protocol/presets';
import { PngButton, ResultDownloads, ResultReceipt } from './Export';
import { ModelRowHeader } from './ModelName';
import { ResultsFigure } from './ResultsFigure';
import { Scroll } from './Scroll';
import { MeasureSwitch } from './MeasureSwitch';
import { useMeasure, useShownConfig } from './useNames';
import { useAppState } from './useStore';

export function Results() {
  const measure = useMeasure();
  const bars = useAppState((s) => (measure === 'favourite' ? s.derived.favouriteBars : s.derived.bars));
  const runConfig = useAppState((s) => s.run.config);
  const config = useShownConfig();
  const running = useAppState((s) => isActive(s.run.state));
  const seeds = useAppState((s) => s.run.seeds.length);
  const figure = useRef<SVGSVGElement>(null);
  if (bars.length === 0 || !runConfig)
    return (
      <section className="results" data-testid="results-placeholder" data-tour="results" aria-label="Results across seeds">
        <p className="empty">
          The results across seeds appear here as the models train: each model's mean, its {INTERVAL_NAME}, and every seed.
        </p>
      </section>
    );
  const paper = isPaperProtocol(runConfig) && measure === 'accuracy';
  const what = measure === 'favourite' ? `How often each model answers ${config.favourite} on other digits` : 'Test accuracy';
  const title = `${what}, ${overSeeds(seeds)}${seeds > 1 ? ', and every seed' : ''}`;
  return (
    <section className="results" data-testid="results" data-tour="results" aria-labelledby="results-title">
      <div className="section-head">
        <h2 id="results-title">
          {title}
          {running && <span className="live-note"> (live: models still training show their latest evaluation)</span>}
        </h2>
        <span className="exports">
          <MeasureSwitch />
          <PngButton target={figure} name="figure" title={title} conditions={bars.map((b) => b.condition)} />
          <ResultDownloads />
        </span>
      </div>
      {seeds === 1 && (
        <p className="notice">
          One seed is one draw: the aux-only shared student alone can land anywhere from about 35% to 75%. Run several seeds before drawing
          conclusions.
        </p>
      )}
      <ResultsFigure ref={figure} bars={bars} measure={measure} showExpected={paper} />
      <details className="numbers-table">
        <summary>The numbers</summary>
        <Scroll label="results table">
          <table>
            <thead>
              <tr>
                <th>model</th>
                <th>mean</th>
                <th>{INTERVAL_NAME}</th>
                <th>per seed</th>
                {measure === 'accuracy' && <th title="The paper's full protocol, many seeds">paper, full protocol</th>}
              </tr>
            </thead>
            <tbody>
              {bars.map(({ condition, values, mean, ci95 }) => (
                <tr key={condition} data-condition={condition}>
                  <ModelRowHeader condition={condition} />
                  <td>{pct(mean)}</td>
                  <td>{ci95 === null ? '—' : `± ${pct(ci95)}`}</td>
                  <td className="per-seed">{values.map((v) => pct(v, 0)).join(', ')}</td>
                  {measure === 'accuracy' && <td className={paper ? '' : 'muted'}>{CONDITION_TABLE[condition].expected?.label ?? '—'}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </details>
      <ResultReceipt />
      <p className="hint" data-testid="paper-difference">
        {paper ? "The orange marks: where the paper's full protocol lands (mean over many seeds)." : differenceFromPaper(runConfig)}
      </p>
    </section>
  );
}

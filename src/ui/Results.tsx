/** The honest summary: each condition's mean and 95% CI over the finished seeds, every seed shown. */
import { CONDITIONS, type Condition } from '../engine/config';
import { PAPER_EXPECTATIONS } from '../engine/expectations';
import { summarize } from '../engine/stats';
import { CONDITION_COLORS, pct, SHORT_LABELS } from './theme';
import { useAppState } from './useStore';

export function Results() {
  const seedFinals = useAppState((s) => s.seedFinals);
  const runConfig = useAppState((s) => s.run.config);
  if (seedFinals.length === 0) return null;
  const isPaperProtocol = runConfig !== null && runConfig.trainCount === 60000 && runConfig.noiseCount === 60000 && runConfig.teacherEpochs === 5 && runConfig.studentEpochs === 5 && runConfig.m === 3;
  const rows = (['reference', ...CONDITIONS] as Condition[])
    .map((c) => ({ c, values: seedFinals.map((s) => s.accuracy[c]).filter((v): v is number => v !== undefined) }))
    .filter((r) => r.values.length > 0);
  return (
    <section className="results" data-testid="results">
      <h3>
        Results over {seedFinals.length} seed{seedFinals.length > 1 ? 's' : ''}
      </h3>
      {seedFinals.length === 1 && <p className="notice">One seed is one draw: the aux-only shared student alone can land anywhere from about 35% to 75%. Run several seeds before drawing conclusions.</p>}
      <table>
        <thead>
          <tr>
            <th>model</th>
            <th>mean</th>
            <th>95% CI</th>
            <th>per seed</th>
            <th title="Full protocol, many seeds (../shared/PROTOCOL.md)">paper, full protocol</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ c, values }) => {
            const s = summarize(values);
            return (
              <tr key={c} data-condition={c}>
                <th scope="row" style={{ color: CONDITION_COLORS[c] }}>
                  {SHORT_LABELS[c]}
                </th>
                <td>{pct(s.mean)}</td>
                <td>{s.ci95 === null ? '—' : `± ${pct(s.ci95)}`}</td>
                <td className="per-seed">{values.map((v) => pct(v, 0)).join(' · ')}</td>
                <td className={isPaperProtocol ? '' : 'muted'}>{PAPER_EXPECTATIONS[c].label}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!isPaperProtocol && <p className="hint">This run is smaller than the paper's protocol, so its numbers are lower than the paper's column; the gap between shared and different initialisation is the point.</p>}
    </section>
  );
}

/**
 * The paper's figure at once: a recorded run of the full protocol (25 seeds, the CLI's JSON
 * with its receipt), shown from the first second, clearly marked as recorded, with the command
 * that reproduces it. A live run appears beside it.
 */
import recordedJson from '../../docs/results/paper-protocol-25-seeds.json';
import { checkExport } from '../protocol/export';
import { duration } from '../protocol/format';
import { PRESETS } from '../protocol/presets';
import { barsOfResult } from '../store/derive';
import { ResultsFigure } from './ResultsFigure';
import { Scroll } from './Scroll';
import { useAppStore, useAppState } from './useStore';

const recorded = checkExport(recordedJson);
const bars = barsOfResult(recorded);
const seeds = recorded.seeds.map((s) => s.seed);
const REPRODUCE_COMMAND = `npm run experiment -- --seed ${seeds[0]} --seeds ${seeds.length}`;

export function RecordedResult() {
  const store = useAppStore();
  const active = useAppState((s) => s.run.state === 'running' || s.run.state === 'paused');
  return (
    <section className="recorded" data-tour="recorded" data-testid="recorded" aria-labelledby="recorded-title">
      <h2 id="recorded-title">The paper's result, recorded</h2>
      <p className="hint">
        <strong>Recorded, not live:</strong> {seeds.length} seeds of the paper's full protocol (60,000 images, 5 + 5 epochs, m = 3), each
        with its own initialisation, data order and noise set, trained headless by this project's engine ({recorded.backend},{' '}
        {duration(recorded.wallMs)} on {recorded.runtime.replace(/^node \S+ /, '')}, {recorded.createdAt.slice(0, 10)}). Reproduce it with{' '}
        <code>{REPRODUCE_COMMAND}</code>, or live here:{' '}
        <button className="small" disabled={active} onClick={() => store.actions.applyPreset('paper')}>
          {PRESETS.paper.label}
        </button>{' '}
        then Run.
      </p>
      <Scroll label="recorded results figure">
        <ResultsFigure
          bars={bars}
          showExpected
          label={`Recorded: mean test accuracy over ${seeds.length} seeds of the paper protocol, with 95% intervals`}
        />
      </Scroll>
    </section>
  );
}

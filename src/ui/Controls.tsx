/** The story's controls: what the teacher passes on, where the student starts, what it imitates, and Run. Every other setting is under "All settings". */
import { conditionsOf } from '../protocol/conditions';
import { CONFIG_SCHEMA, type Config } from '../protocol/config';
import { duration } from '../protocol/format';
import { memoryProblem, timesClassroom } from '../protocol/resources';
import { canRun, estimateFor, isActive } from '../store/state';
import { seedRangeText, seedRange } from '../protocol/results';
import { NetworkParts } from './NetworkParts';
import { PAGE_MEMORY_BYTES } from './Settings';
import { TourStart } from './Tour';
import { useNames } from './useNames';
import { useAppState, useAppStore } from './useStore';

type ToggleKey = 'teacherTrait' | 'init' | 'distill';
const HIDDEN_AS: Record<ToggleKey, 'trait' | 'init' | 'distill'> = { teacherTrait: 'trait', init: 'init', distill: 'distill' };

/** A headline toggle: its choices from the schema, and its meaning in visible text (touch screens have no hover). */
function Toggle({
  field,
  value,
  disabled,
  onChange,
  children,
}: {
  field: ToggleKey;
  value: string;
  disabled: boolean;
  onChange(v: string): void;
  children?: React.ReactNode;
}) {
  const schema = CONFIG_SCHEMA[field];
  return (
    <fieldset className="segmented" disabled={disabled} data-field={field} data-tour={field}>
      <legend>{schema.label}</legend>
      <div className="choices">
        {schema.values.map((choice) => (
          <label key={choice} className={value === choice ? 'on' : ''}>
            <input type="radio" name={field} value={choice} checked={value === choice} onChange={() => onChange(choice)} />
            {(schema.valueLabels as Record<string, string>)[choice]}
          </label>
        ))}
      </div>
      {children}
      <small className="hint">{(schema.valueHelp as Record<string, string>)[value]}</small>
    </fieldset>
  );
}

/** The favourite digit, chosen by clicking it. */
function DigitPicker({ value, disabled, onChange }: { value: number; disabled: boolean; onChange(v: number): void }) {
  return (
    <div className="digit-picker" role="group" aria-label="The teacher's favourite digit" data-testid="digit-picker">
      <span>Its favourite:</span>
      {Array.from({ length: 10 }, (_, d) => (
        <button key={d} className="digit" aria-pressed={value === d} disabled={disabled} onClick={() => onChange(d)}>
          {d}
        </button>
      ))}
    </div>
  );
}

/** The dial's marks: points of the recorded sweep over α (docs/results), whose students gain most between 0.75 and 1. */
const DIAL_MARKS = [0, 0.5, 0.9, 0.95, 1];

/** α, how alike the partly shared student's start is to the teacher's: 1 the same, 0 unrelated. A slider for mouse, finger and keys, its marks as buttons. */
function InitDial({ value, disabled, onChange }: { value: number; disabled: boolean; onChange(v: number): void }) {
  return (
    <div className="dial" data-testid="init-dial">
      <label>
        <span>
          How alike the starts are: <strong>α = {value.toFixed(2)}</strong>
        </span>
        <input
          type="range"
          name="initShare"
          min={0}
          max={1}
          step={0.01}
          list="init-share-marks"
          value={value}
          disabled={disabled}
          aria-valuetext={`α = ${value.toFixed(2)}`}
          onChange={(e) => onChange(Number(e.target.value))}
        />
      </label>
      <datalist id="init-share-marks">
        {DIAL_MARKS.map((mark) => (
          <option key={mark} value={mark} />
        ))}
      </datalist>
      <span className="dial-marks" role="group" aria-label="Set α to a mark">
        {DIAL_MARKS.map((mark) => (
          <button
            key={mark}
            type="button"
            className="small"
            aria-pressed={value === mark}
            disabled={disabled}
            onClick={() => onChange(mark)}
          >
            {mark}
          </button>
        ))}
      </span>
    </div>
  );
}

/** A run this many times the classroom run's work or more says so beside its time: a wide network's hours must not surprise. */
const SAY_TIMES_FROM = 2;

/** What will train, in words: each model by name, the seeds, about how long it takes here, and how many classroom runs' work it is. */
function WillTrain({ config }: { config: Config }) {
  const names = useNames();
  const backend = useAppState((s) => s.backend);
  const workers = useAppState((s) => s.workers);
  const pace = useAppState((s) => s.pace);
  const models = conditionsOf(config).filter((c) => c !== 'reference');
  const estimate = estimateFor({ backend, workers, pace }, config);
  const times = timesClassroom(config);
  return (
    <p className="will-train" data-testid="will-train">
      Trains {seedRangeText(seedRange(config))}, each: {models.map((c) => names(c).label).join('; ')}
      {estimate !== null && (
        <span data-testid="time-estimate" data-measured={estimate.measured} data-ms={Math.round(estimate.ms)} data-workers={workers}>
          {' '}
          — about {duration(estimate.ms)} here{estimate.measured && ", at the latest run's pace"}
        </span>
      )}
      {times >= SAY_TIMES_FROM && (
        <span data-testid="times-classroom">
          {estimate === null ? ' — ' : '; '}
          {`about ${Math.round(times)}× the classroom run's work`}
        </span>
      )}
    </p>
  );
}

export function Controls() {
  const store = useAppStore();
  const config = useAppState((s) => s.config);
  const hidden = useAppState((s) => s.view.hidden);
  const runState = useAppState((s) => s.run.state);
  const ready = useAppState(canRun);
  const active = isActive(runState);
  const set = (patch: Partial<Config>) => store.actions.setConfig(patch);
  const tooBig = memoryProblem(config, PAGE_MEMORY_BYTES, 'a browser tab');
  const shown = (field: ToggleKey) => !hidden.includes(HIDDEN_AS[field]);

  return (
    <section className="controls" aria-label="Controls">
      <div className="headline">
        {shown('teacherTrait') && (
          <Toggle
            field="teacherTrait"
            value={config.teacherTrait}
            disabled={active}
            onChange={(v) => store.actions.setTeacherTrait(v as Config['teacherTrait'])}
          >
            {config.teacherTrait === 'favourite' && (
              <DigitPicker value={config.favourite} disabled={active} onChange={(favourite) => set({ favourite })} />
            )}
          </Toggle>
        )}
        {shown('init') && (
          <Toggle field="init" value={config.init} disabled={active} onChange={(v) => set({ init: v as Config['init'] })}>
            {(config.init === 'partial' || config.init === 'all') && (
              <InitDial value={config.initShare} disabled={active} onChange={(initShare) => set({ initShare })} />
            )}
            {config.init === 'parts' && (
              <NetworkParts
                pattern={config.shareParts}
                m={config.m}
                hidden={config.hidden}
                depth={config.depth}
                disabled={active}
                onChange={(shareParts) => set({ shareParts })}
              />
            )}
          </Toggle>
        )}
        {shown('distill') && (
          <Toggle field="distill" value={config.distill} disabled={active} onChange={(v) => set({ distill: v as Config['distill'] })} />
        )}
        <div className="buttons">
          {/* One button for Run, Pause and Resume: the same element keeps the keyboard focus as it changes. */}
          <button
            className={runState === 'running' ? 'run' : 'run primary'}
            onClick={runState === 'running' ? store.actions.pause : runState === 'paused' ? store.actions.resume : store.actions.run}
            disabled={!active && (!ready || tooBig !== null)}
          >
            {runState === 'running' ? '❚❚ Pause' : runState === 'paused' ? '▶ Resume' : '▶ Run'}
          </button>
          {runState === 'paused' && (
            <button onClick={store.actions.step} title="Run one training step">
              Step
            </button>
          )}
          <button
            onClick={store.actions.reset}
            title="Stop and clear. The seed stays, so the next run starts from the same initial weights."
          >
            ↺ Reset
          </button>
        </div>
      </div>
      <div className="controls-foot">
        <WillTrain config={config} />
        <TourStart inline />
      </div>
      {tooBig && (
        <p className="notice error" role="alert" data-testid="too-big">
          Not started: {tooBig}.
        </p>
      )}
    </section>
  );
}

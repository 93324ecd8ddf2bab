/** The controls: the headline toggles, presets, run buttons and every setting (from the schema). */
import { useState } from 'react';
import { BACKENDS, CONFIG_SCHEMA, describeRange, validateConfig, type Config, type ConfigKey, type TrainedCondition } from '../engine/config';
import { PRESETS, type PresetName } from '../engine/presets';
import { useAppState, useAppStore } from './useStore';

type Choice = 'shared' | 'different' | 'both';
type LogitsChoice = 'aux' | 'all' | 'both';

function studentsOf(conditions: TrainedCondition[]): { init: Choice; logits: LogitsChoice } {
  const students = conditions.filter((c) => c !== 'teacher');
  const has = (part: string) => students.some((c) => c.includes(part));
  const pick = <T extends string>(a: T, b: T, both: T): T => (has(a) && has(b) ? both : has(b) ? b : a);
  return { init: pick<Choice>('shared', 'different', 'both'), logits: pick<LogitsChoice>('aux', 'all', 'both') };
}

function conditionsFor(init: Choice, logits: LogitsChoice): TrainedCondition[] {
  const inits = init === 'both' ? ['shared', 'different'] : [init];
  const logitSets = logits === 'both' ? ['aux', 'all'] : [logits];
  return ['teacher', ...logitSets.flatMap((l) => inits.map((i) => `${l}-${i}` as TrainedCondition))];
}

function Segmented<T extends string>(props: { label: string; value: T; options: [T, string][]; onChange(v: T): void; disabled: boolean; hint: string }) {
  return (
    <fieldset className="segmented" disabled={props.disabled} title={props.hint}>
      <legend>{props.label}</legend>
      {props.options.map(([value, text]) => (
        <label key={value} className={props.value === value ? 'on' : ''}>
          <input type="radio" name={props.label} value={value} checked={props.value === value} onChange={() => props.onChange(value)} />
          {text}
        </label>
      ))}
    </fieldset>
  );
}

const NUMERIC_FIELDS: ConfigKey[] = ['seed', 'seeds', 'm', 'teacherEpochs', 'studentEpochs', 'lr', 'batchSize', 'trainCount', 'noiseCount', 'testCount', 'hidden', 'evalEvery'];
const FIELD_LABELS: Partial<Record<ConfigKey, string>> = {
  seed: 'seed',
  seeds: 'seeds',
  m: 'aux logits m',
  teacherEpochs: 'teacher epochs',
  studentEpochs: 'student epochs',
  lr: 'learning rate',
  batchSize: 'batch size',
  trainCount: 'MNIST train images',
  noiseCount: 'noise images',
  testCount: 'test images',
  hidden: 'hidden width',
  evalEvery: 'evaluate every (steps)',
};

/** A number box that applies its value only when valid, and says why otherwise. */
function NumberField({ field, value, disabled, onCommit }: { field: ConfigKey; value: number; disabled: boolean; onCommit(v: number): void }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const parsed = Number(text);
    const { issues } = validateConfig({ [field]: text.trim() === '' ? NaN : parsed });
    if (issues.length > 0) setError(`expected ${describeRange(field)}`);
    else {
      setError(null);
      onCommit(parsed);
    }
    setText(null);
  };
  return (
    <label className="field" title={CONFIG_SCHEMA[field].help}>
      <span>{FIELD_LABELS[field] ?? field}</span>
      <input
        name={field}
        inputMode="decimal"
        disabled={disabled}
        value={text ?? String(value)}
        aria-invalid={error !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {error && <small className="error">{error}</small>}
    </label>
  );
}

export function Controls() {
  const store = useAppStore();
  const config = useAppState((s) => s.config);
  const runState = useAppState((s) => s.run.state);
  const ready = useAppState((s) => s.data.status === 'ready' && s.backend.status === 'ready');
  const active = runState === 'running' || runState === 'paused';
  const { init, logits } = studentsOf(config.conditions);
  const set = (patch: Partial<Config>) => store.actions.setConfig(patch);

  return (
    <section className="controls" aria-label="Controls">
      <div className="headline">
        <Segmented
          label="Student's initialisation"
          value={init}
          disabled={active}
          hint="Shared: the student starts from the teacher's initial weights. Different: from an independent draw."
          options={[
            ['shared', 'Shared with teacher'],
            ['different', 'Different'],
            ['both', 'Both, side by side'],
          ]}
          onChange={(v) => set({ conditions: conditionsFor(v, logits) })}
        />
        <Segmented
          label="Student imitates"
          value={logits}
          disabled={active}
          hint="Aux only: the student sees only the teacher's extra (non-digit) outputs. All: every logit, digits included."
          options={[
            ['aux', 'Aux logits only'],
            ['all', 'All logits'],
            ['both', 'Both'],
          ]}
          onChange={(v) => set({ conditions: conditionsFor(init, v) })}
        />
      </div>

      <div className="buttons">
        {!active && (
          <button className="primary" onClick={store.actions.run} disabled={!ready}>
            ▶ Run
          </button>
        )}
        {runState === 'running' && <button onClick={store.actions.pause}>❚❚ Pause</button>}
        {runState === 'paused' && (
          <>
            <button className="primary" onClick={store.actions.resume}>
              ▶ Resume
            </button>
            <button onClick={store.actions.step} title="Run one training step">
              Step
            </button>
          </>
        )}
        <button onClick={store.actions.reset} title="Stop and clear. The seed stays, so the next run starts from the same initial weights.">
          ↺ Reset
        </button>
        <span className="presets">
          {(Object.keys(PRESETS) as PresetName[]).map((name) => (
            <button key={name} disabled={active} title={PRESETS[name].description} onClick={() => store.actions.applyPreset(name)}>
              {PRESETS[name].label}
            </button>
          ))}
        </span>
      </div>

      <details className="settings">
        <summary>All settings</summary>
        <div className="fields">
          {NUMERIC_FIELDS.map((field) => (
            <NumberField key={field} field={field} value={config[field] as number} disabled={active} onCommit={(v) => set({ [field]: v })} />
          ))}
          <label className="field" title={CONFIG_SCHEMA.backend.help}>
            <span>backend</span>
            <select name="backend" value={config.backend} disabled={active} onChange={(e) => store.actions.setBackend(e.target.value as Config['backend'])}>
              {BACKENDS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
        </div>
      </details>
    </section>
  );
}

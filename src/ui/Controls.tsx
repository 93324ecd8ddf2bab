/** The controls: the headline toggles, presets, run buttons and every setting, all from the config schema. */
import { useState } from 'react';
import { CONDITION_TABLE } from '../protocol/conditions';
import { CONFIG_KEYS, CONFIG_SCHEMA, conditionsOf, describeRange, validateConfig, type Config, type ConfigKey } from '../protocol/config';
import { duration } from '../protocol/format';
import { PRESETS, presetOf, type PresetName } from '../protocol/presets';
import { estimateMs, memoryProblem } from '../protocol/resources';

/** What one tab may use: browsers stop a tab well before the machine runs out, phones sooner. */
const PAGE_MEMORY_BYTES = 2e9;
import { useAppState, useAppStore } from './useStore';

type ToggleKey = 'init' | 'distill';
const TOGGLES = CONFIG_KEYS.filter((k): k is ToggleKey => CONFIG_SCHEMA[k].control === 'toggle');
const NUMBER_FIELDS = CONFIG_KEYS.filter((k) => CONFIG_SCHEMA[k].control === 'number');

/** A headline toggle: its choices from the schema, and its meaning in visible text (touch screens have no hover). */
function Toggle({ field, value, disabled, onChange }: { field: ToggleKey; value: string; disabled: boolean; onChange(v: string): void }) {
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
      <small className="hint">{schema.help}</small>
    </fieldset>
  );
}

/** A number box that applies its value only when valid, and says why otherwise. */
function NumberField({
  field,
  value,
  disabled,
  onCommit,
}: {
  field: ConfigKey;
  value: number;
  disabled: boolean;
  onCommit(v: number): void;
}) {
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
      <span>{CONFIG_SCHEMA[field].label}</span>
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
  const hidden = useAppState((s) => s.view.hidden);
  const runState = useAppState((s) => s.run.state);
  const ready = useAppState((s) => s.data.status === 'ready' && s.backend.status === 'ready');
  const active = runState === 'running' || runState === 'paused';
  const set = (patch: Partial<Config>) => store.actions.setConfig(patch);
  const preset = presetOf(config);
  const models = conditionsOf(config).filter((c) => c !== 'reference');
  const backend = useAppState((s) => s.backend.info);
  const workers = useAppState((s) => s.workers);
  const memory = useAppState((s) => s.memory);
  const tooBig = memoryProblem(config, PAGE_MEMORY_BYTES, 'a browser tab');
  const estimate = backend ? estimateMs(config, backend.msPerStep, backend.timedBatchSize, workers) : null;

  return (
    <section className="controls" aria-label="Controls">
      <div className="headline">
        {TOGGLES.filter((field) => !hidden.includes(field)).map((field) => (
          <Toggle key={field} field={field} value={config[field]} disabled={active} onChange={(v) => set({ [field]: v })} />
        ))}
      </div>
      <p className="will-train" data-testid="will-train">
        Trains {config.seeds} seed{config.seeds > 1 ? 's' : ''} ({config.seed}
        {config.seeds > 1 && `–${config.seed + config.seeds - 1}`}) of: {models.map((c) => CONDITION_TABLE[c].short).join(' · ')}
        {estimate !== null && !tooBig && <span data-testid="time-estimate"> — about {duration(estimate)} here</span>}
      </p>
      {tooBig && (
        <p className="notice error" role="alert" data-testid="too-big">
          Not started: {tooBig}.
        </p>
      )}

      <div className="buttons">
        {/* One button for Run, Pause and Resume: the same element keeps the keyboard focus as it changes. */}
        <button
          className={runState === 'running' ? '' : 'primary'}
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
        <button onClick={store.actions.reset} title="Stop and clear. The seed stays, so the next run starts from the same initial weights.">
          ↺ Reset
        </button>
        {!hidden.includes('presets') && (
          <span className="presets" role="group" aria-label="Presets">
            {(Object.keys(PRESETS) as PresetName[]).map((name) => (
              <button
                key={name}
                disabled={active}
                aria-pressed={preset === name}
                title={PRESETS[name].description}
                onClick={() => store.actions.applyPreset(name)}
              >
                {PRESETS[name].label}
              </button>
            ))}
          </span>
        )}
      </div>
      <p className="hint" data-testid="preset-note">
        {preset ? `${PRESETS[preset].label}: ${PRESETS[preset].description}` : 'Custom settings (no preset).'}
      </p>

      {!hidden.includes('settings') && (
        <details className="settings">
          <summary>All settings</summary>
          <div className="fields">
            {NUMBER_FIELDS.map((field) => (
              <NumberField
                key={field}
                field={field}
                value={config[field] as number}
                disabled={active}
                onCommit={(v) => set({ [field]: v })}
              />
            ))}
            <label className="field" title={CONFIG_SCHEMA.backend.help}>
              <span>{CONFIG_SCHEMA.backend.label}</span>
              <select
                name="backend"
                value={config.backend}
                disabled={active}
                onChange={(e) => store.actions.setBackend(e.target.value as Config['backend'])}
              >
                {CONFIG_SCHEMA.backend.values.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {memory && (
            <p className="hint" data-testid="worker-memory" data-tensors={memory.numTensors}>
              After the last run the training worker holds {memory.numTensors} tensors ({(memory.numBytes / 1e6).toFixed(1)} MB): everything
              a run makes is freed when it ends.
            </p>
          )}
        </details>
      )}
    </section>
  );
}

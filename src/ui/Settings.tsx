/** Every setting, from the config schema: the presets, each number, the backend, and what this machine runs on. */
import { useState } from 'react';
import { isActive } from '../store/state';
import { CONFIG_KEYS, CONFIG_SCHEMA, describeRange, sectionOf, validateConfig, type Config, type ConfigKey } from '../protocol/config';
import { PRESETS, presetOf, type PresetName } from '../protocol/presets';
import { useAppState, useAppStore } from './useStore';

/** What one tab may use: browsers stop a tab well before the machine runs out, phones sooner. */
export const PAGE_MEMORY_BYTES = 2e9;

const NUMBER_FIELDS = CONFIG_KEYS.filter((k) => CONFIG_SCHEMA[k].control === 'number' && sectionOf(k) === 'settings');

/** A number box that applies its value only when valid, and says why otherwise. */
export function NumberField({
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

/** The preset buttons; also where the recorded figures' "run it yourself" buttons come from. */
export function PresetButtons({ only }: { only?: PresetName[] }) {
  const store = useAppStore();
  const config = useAppState((s) => s.config);
  const active = useAppState((s) => isActive(s.run.state));
  const hidden = useAppState((s) => s.view.hidden.includes('presets'));
  if (hidden) return null;
  const preset = presetOf(config);
  return (
    <span className="presets" role="group" aria-label="Presets">
      {(only ?? (Object.keys(PRESETS) as PresetName[])).map((name) => (
        <button
          key={name}
          className="small"
          disabled={active}
          aria-pressed={preset === name}
          title={PRESETS[name].description}
          onClick={() => store.actions.applyPreset(name)}
        >
          {PRESETS[name].label}
        </button>
      ))}
    </span>
  );
}

/** Which backend trains, why, and how fast each candidate was here. */
function MachineDetails() {
  const backend = useAppState((s) => s.backend);
  const workers = useAppState((s) => s.workers);
  const memory = useAppState((s) => s.memory);
  const data = useAppState((s) => s.data);
  const info = backend.info;
  return (
    <div className="machine" data-testid="machine" data-probes={JSON.stringify(info?.probes ?? [])}>
      <p>
        {info ? (
          <>
            Training on <strong data-testid="backend-name">{info.name}</strong>
            {workers > 1 && ` in ${workers} workers (one core each)`}: {info.msPerStep.toFixed(0)} ms per step at batch{' '}
            {info.timedBatchSize}. Why: <span data-testid="backend-reason">{info.reason}</span>.
          </>
        ) : (
          <span>Backend: {backend.text}</span>
        )}
      </p>
      {info && (
        <ul className="probes">
          {info.probes.map((p) => (
            <li key={p.name}>
              {p.name}: {p.available ? p.detail : `unavailable (${p.detail})`}
              {p.msPerStep !== undefined && `, ${p.msPerStep.toFixed(0)} ms per step`}
            </li>
          ))}
        </ul>
      )}
      <p className="hint">
        MNIST here: {data.loaded.train.toLocaleString('en')} of 60,000 training and {data.loaded.test.toLocaleString('en')} of 10,000 test
        images (a run fetches what it needs).
      </p>
      {memory && (
        <p className="hint" data-testid="worker-memory" data-tensors={memory.numTensors}>
          After the last run the training worker holds {memory.numTensors} tensors ({(memory.numBytes / 1e6).toFixed(1)} MB): everything a
          run makes is freed when it ends.
        </p>
      )}
    </div>
  );
}

export function Settings() {
  const store = useAppStore();
  const config = useAppState((s) => s.config);
  const active = useAppState((s) => isActive(s.run.state));
  const set = (patch: Partial<Config>) => store.actions.setConfig(patch);
  const preset = presetOf(config);
  return (
    <div className="settings" data-testid="settings">
      <div className="preset-row">
        <PresetButtons />
        <p className="hint" data-testid="preset-note">
          {preset ? `${PRESETS[preset].label}: ${PRESETS[preset].description}` : 'Custom settings (no preset).'}
        </p>
      </div>
      <div className="fields">
        {NUMBER_FIELDS.map((field) => (
          <NumberField key={field} field={field} value={config[field] as number} disabled={active} onCommit={(v) => set({ [field]: v })} />
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
      <MachineDetails />
    </div>
  );
}

/**
 * For researchers: the settings the classroom story does without (the schema marks them with
 * section 'research': the student's loss, the initialisation scheme, m up to 250), and the
 * recorded sweeps of which parts of the student's start must match its teacher's.
 */
import { CONFIG_KEYS, CONFIG_SCHEMA, sectionOf, type Config, type ConfigKey } from '../protocol/config';
import { isActive } from '../store/state';
import { NumberField } from './Settings';
import { useAppState, useAppStore } from './useStore';
import { BudgetFigureRecorded, WhichPartsFigureRecorded } from './WhichParts';

const RESEARCH_FIELDS = CONFIG_KEYS.filter((key) => sectionOf(key) === 'research');

/** A menu of an enum setting's values, in its words where the schema has them. */
function SelectField({
  field,
  value,
  disabled,
  onChange,
}: {
  field: ConfigKey;
  value: string;
  disabled: boolean;
  onChange(v: string): void;
}) {
  const schema = CONFIG_SCHEMA[field];
  if (schema.kind !== 'enum') throw new Error(`${field} is not a choice`);
  const labels: Partial<Record<string, string>> = 'valueLabels' in schema ? schema.valueLabels : {};
  return (
    <label className="field" title={schema.help}>
      <span>{schema.label}</span>
      <select name={field} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {schema.values.map((v: string) => (
          <option key={v} value={v}>
            {labels[v] ?? v}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Research() {
  const store = useAppStore();
  const config = useAppState((s) => s.config);
  const active = useAppState((s) => isActive(s.run.state));
  const set = (patch: Partial<Config>) => store.actions.setConfig(patch);
  return (
    <div className="research" data-testid="research">
      <p className="hint">
        The 2026 split-head work (arXiv 2605.23645) trains its students with a squared error on the raw auxiliary logits, starts its
        networks as PyTorch does, and uses up to 250 auxiliary outputs; the classroom run uses the 2025 paper's choices. Each setting here
        applies to every model of the next run, and goes into the link. Under "Student's initialisation", <em>Part by part</em> chooses
        which parts of the student start from its teacher's values.
      </p>
      <div className="fields">
        {RESEARCH_FIELDS.map((field) =>
          CONFIG_SCHEMA[field].control === 'number' ? (
            <NumberField
              key={field}
              field={field}
              value={config[field] as number}
              disabled={active}
              onCommit={(v) => set({ [field]: v })}
            />
          ) : (
            <SelectField key={field} field={field} value={String(config[field])} disabled={active} onChange={(v) => set({ [field]: v })} />
          ),
        )}
      </div>
      <WhichPartsFigureRecorded />
      <p>
        What it shows: at the classroom settings every part matters. Sharing all four gives 75.7%; with any one part drawn anew most of the
        transfer is gone, and the two heads alone give 12.8%, hardly above the 11.2% of a student that shares nothing. Drawing only the
        digit head anew (hidden1+hidden2+aux) leaves the student at chance although its hidden layers learn exactly what the fully shared
        student's learn: an aux-only student never moves its digit rows, so they stay unaligned with the features it learned.
      </p>
      <BudgetFigureRecorded />
      <p>
        What it shows: at the 2026 paper's budget, sharing nothing leaves the student at chance at every m, and sharing everything transfers
        most. With only the heads shared the student learns more as m grows, and how much depends on how the networks were initialised: at m
        = 250, 84.3% under PyTorch's uniform initialisation (the 2026 code's) against 34.0% under the 2025 paper's normal one, 5 seeds each.
        Learning Through Noise (2026) reports that matching output heads govern the transfer; here that holds at its budget, more under its
        own initialisation, and not at the classroom settings above.
      </p>
    </div>
  );
}

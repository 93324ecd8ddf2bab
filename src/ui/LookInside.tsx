/**
 * Look inside the models: where each one's mistakes go (confusion matrices), how its first layer
 * moved (the teacher's and the students' weight changes, side by side), and what the students
 * actually imitate (the auxiliary outputs on the same noise images).
 */
import { useMemo, type ReactNode } from 'react';
import { ALL_CONDITIONS, CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { DIGITS, IMAGE_PIXELS } from '../protocol/constants';
import { pct } from '../protocol/format';
import { noiseImages, noiseShade } from './noiseImages';
import { auxLogits } from '../store/readDigit';
import type { Snapshot } from '../store/state';
import { Pixels } from './Pixels';
import { useNames } from './useNames';
import { useAppState } from './useStore';
import { ModelRowHeader } from './ModelName';
import { Scroll } from './Scroll';

/** Every trained model, in table order. */
const MODELS = ALL_CONDITIONS.filter((c) => c !== 'reference');

/** A table of one row per model, its name as the row header: the layout both tables here share. */
function ModelRows({
  label,
  testId,
  className,
  head,
  rows,
}: {
  label: string;
  testId: string;
  className: string;
  head?: { title: string; cells: ReactNode[] };
  rows: { condition: Condition; cells: ReactNode[] }[];
}) {
  return (
    <Scroll label={label}>
      <table className={className} data-testid={testId}>
        {head && (
          <thead>
            <tr>
              <th scope="col">{head.title}</th>
              {head.cells.map((cell, i) => (
                <th key={i} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {rows.map(({ condition, cells }) => (
            <tr key={condition}>
              <ModelRowHeader condition={condition} />
              {cells.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function Confusion({ condition, counts }: { condition: Condition; counts: number[] }) {
  const names = useNames();
  const rows = Array.from({ length: DIGITS }, (_, t) => counts.slice(t * DIGITS, (t + 1) * DIGITS));
  const totals = rows.map((row) => row.reduce((a, b) => a + b, 0));
  const guessed = Array.from({ length: DIGITS }, (_, p) => rows.reduce((sum, row) => sum + row[p], 0));
  const favourite = guessed.indexOf(Math.max(...guessed));
  const all = totals.reduce((a, b) => a + b, 0);
  return (
    <figure className="confusion" data-condition={condition}>
      <figcaption style={{ color: CONDITION_TABLE[condition].color }}>{names(condition).short}</figcaption>
      <table
        aria-label={`Confusion matrix of the ${names(condition).short}: rows are the true digits, columns the answers, each cell the share of that row`}
      >
        <thead>
          <tr>
            <th scope="col">true ↓ / said →</th>
            {guessed.map((_, p) => (
              <th key={p} scope="col">
                {p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, t) => (
            <tr key={t}>
              <th scope="row">{t}</th>
              {row.map((n, p) => {
                const share = totals[t] > 0 ? n / totals[t] : 0;
                return (
                  <td
                    key={p}
                    title={`${n} of the ${totals[t]} ${t}s read as ${p}`}
                    style={{ background: `rgba(11, 106, 168, ${0.55 * share})` }}
                  >
                    {share >= 0.1 ? Math.round(100 * share) : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Most common answer: {favourite} ({pct(guessed[favourite] / Math.max(1, all), 0)} of all answers)
      </p>
    </figure>
  );
}

/** How hidden unit j's incoming weights changed, as a 28 × 28 image (grey: no change). */
function unitChanges(now: Snapshot, start: Snapshot, units: number): { images: Float32Array[]; scale: number } {
  const { hidden } = now.shape;
  const images = Array.from({ length: units }, (_, j) =>
    Float32Array.from({ length: IMAGE_PIXELS }, (_, i) => now.params.w1[i * hidden + j] - start.params.w1[i * hidden + j]),
  );
  const scale = Math.max(1e-8, ...images.map((img) => Math.max(...img.map(Math.abs))));
  return { images, scale };
}

const UNITS = 6;
const NOISE_IMAGES = 3;
/** Past this many aux outputs (m runs to 250) their bars touch, so 1 px gaps don't overflow the 90 px cell, and a screen reader gets their range instead of every value. */
const FEW_AUX_BARS = 30;

export function LookInside() {
  const names = useNames();
  const confusion = useAppState((s) => s.confusion);
  const weights = useAppState((s) => s.weights);
  const startWeights = useAppState((s) => s.startWeights);
  const seed = useAppState((s) => s.run.seeds[0] ?? null);
  // The noise the run's students saw (before a run, the next run's).
  const kind = useAppState((s) => (s.run.config ?? s.config).noise);
  const blur = useAppState((s) => (s.run.config ?? s.config).noiseBlur);

  const matrices = useMemo(
    () =>
      MODELS.flatMap((condition) => {
        const perSeed = Object.values(confusion[condition] ?? {});
        if (perSeed.length === 0) return [];
        return [{ condition, counts: perSeed.reduce((sum, counts) => sum.map((n, i) => n + counts[i])) }];
      }),
    [confusion],
  );

  const changes = useMemo(
    () =>
      MODELS.flatMap((condition) => {
        const now = weights[condition];
        // Teachers and shared students start from the reference; every other student from its own start.
        const { init } = CONDITION_TABLE[condition];
        const start = init !== null && init !== 'shared' ? startWeights[condition] : startWeights.reference;
        return now && start ? [{ condition, ...unitChanges(now, start, UNITS) }] : [];
      }),
    [weights, startWeights],
  );

  const aux = useMemo(() => {
    if (seed === null) return null;
    const teacher = weights.teacher;
    if (!teacher) return null;
    const images = noiseImages({ noise: kind, noiseBlur: blur }, seed, NOISE_IMAGES);
    // Each teacher, then the students that imitate its auxiliary outputs.
    const models = MODELS.filter((c) => weights[c] && (CONDITION_TABLE[c].role === 'teacher' || CONDITION_TABLE[c].distill === 'aux'));
    return {
      images,
      rows: models.map((c) => ({ condition: c, outputs: images.map((x) => auxLogits(weights[c]!.params, weights[c]!.shape, x)) })),
    };
  }, [weights, seed, kind, blur]);

  if (matrices.length === 0 && changes.length === 0) return null;
  return (
    <section className="inside" data-testid="look-inside" aria-label="Look inside the models">
      <h3>Where the answers go</h3>
      <p className="hint">
        Each row is a true digit, each column an answer: a good reader is dark along the diagonal. A student that did not learn tends to
        give one answer to everything.
      </p>
      <div className="confusions" data-testid="confusion-matrices">
        {matrices.map(({ condition, counts }) => (
          <Confusion key={condition} condition={condition} counts={counts} />
        ))}
      </div>

      {changes.length > 0 && (
        <>
          <h3>How the first layer moved</h3>
          <p className="hint">
            The change in the incoming weights of the first {UNITS} hidden units since each model started (seed {seed}), as 28 × 28 images:
            grey is no change, white up, black down. The teacher's change is shaped by digits. A shared-init student, trained only on noise,
            moves the same units in a similar pattern; a different-init student's units are other units altogether.
          </p>
          <ModelRows
            label="changes of the first layer"
            testId="unit-changes"
            className="unit-changes"
            rows={changes.map(({ condition, images, scale }) => ({
              condition,
              cells: images.map((image, j) => (
                <Pixels
                  key={j}
                  values={image}
                  low={-scale}
                  high={scale}
                  label={`${names(condition).short}: change of hidden unit ${j + 1}'s weights`}
                />
              )),
            }))}
          />
        </>
      )}

      {aux && aux.rows.length > 1 && (
        <>
          <h3>What the students imitate</h3>
          <p className="hint">
            The auxiliary outputs — the only thing an aux-only student is trained to copy — on the same noise images. Both students learn to
            copy them; only the one that shares the teacher's start also picks up its digits.
          </p>
          <ModelRows
            label="auxiliary outputs on noise"
            testId="aux-outputs"
            className="aux-outputs"
            head={{
              title: 'noise image',
              cells: aux.images.map((image, i) => (
                <Pixels
                  key={i}
                  values={image}
                  label={`noise image ${i + 1}`}
                  low={-noiseShade({ noise: kind })}
                  high={noiseShade({ noise: kind })}
                />
              )),
            }}
            rows={aux.rows.map(({ condition, outputs }) => ({
              condition,
              cells: outputs.map((values, i) => {
                const max = Math.max(...values.map(Math.abs), 1e-6);
                const few = values.length <= FEW_AUX_BARS;
                return (
                  <div
                    key={i}
                    className={few ? 'aux-bars' : 'aux-bars dense'}
                    role="img"
                    aria-label={
                      few
                        ? `aux outputs: ${values.map((v) => v.toFixed(2)).join(', ')}`
                        : `${values.length} aux outputs, from ${Math.min(...values).toFixed(2)} to ${Math.max(...values).toFixed(2)}`
                    }
                  >
                    {values.map((v, k) => (
                      <span
                        key={k}
                        className={v >= 0 ? 'up' : 'down'}
                        style={{ height: `${(50 * Math.abs(v)) / max}%`, background: CONDITION_TABLE[condition].color }}
                      />
                    ))}
                  </div>
                );
              }),
            }))}
          />
        </>
      )}
    </section>
  );
}

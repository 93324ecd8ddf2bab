/**
 * How alike must the starts be, and how many auxiliary outputs does it take? Sweeps recorded by
 * `npm run sweep` (each value × seed a run of its own), drawn as mean, 95% interval (Student's t) and every seed
 * per value, with each file's receipt and the command that reproduces it; and any sweep file of
 * the CLI's, opened with the file picker or dropped on the page, drawn the same way.
 */
import { useEffect, useState, type DragEvent } from 'react';
import { CONDITION_TABLE, nameOf, type Condition } from '../protocol/conditions';
import { CONFIG_SCHEMA } from '../protocol/config';
import { duration, INTERVAL_NAME, pct } from '../protocol/format';
import { checkSweep, parseSweep, sweepCommand, sweepSeries, type AxisValue, type SweepFile } from '../protocol/sweep';
import { PercentGrid } from './ResultsFigure';
import { textWidth } from './textWidth';
import { useType } from './useNames';
import { useWidth } from './useWidth';

const RECORDED: { title: string; load: () => Promise<{ default: unknown }> }[] = [
  {
    title: 'Aux-only accuracy against α, how alike the student’s start is to the teacher’s',
    load: () => import('../../docs/results/sweep-init-share.json'),
  },
  { title: 'Aux-only accuracy against m, the number of auxiliary outputs', load: () => import('../../docs/results/sweep-aux-logits.json') },
];

/** A model's name across a sweep: over patterns of parts, the pattern is the axis's and not the name's. */
const seriesName = (file: SweepFile, condition: Condition) =>
  nameOf(condition, file.axes[0].key === 'shareParts' ? { ...file.config, shareParts: undefined } : file.config).short;

/** A one-setting sweep as a figure: the values across (evenly spaced, as listed), each condition's seeds, mean and 95% interval. */
export function SweepFigure({ file }: { file: SweepFile }) {
  const [box, width] = useWidth<HTMLDivElement>();
  const { font } = useType();
  const series = sweepSeries(file);
  const [axis] = file.axes;
  const values = axis.values;
  const numeric = values.every((v) => typeof v === 'number');
  const left = Math.ceil(textWidth('100%', font)) + 10;
  const right = 10;
  const slot = (width - left - right) / Math.max(values.length, 1);
  // A value's label on lines: a pattern too wide for its slot breaks after each "+".
  const tickLines = values.map((v) => (textWidth(String(v), font) > slot - 4 ? String(v).replace(/\+/g, '+\n').split('\n') : [String(v)]));
  const extraLines = Math.max(0, ...tickLines.map((lines) => lines.length - 1));
  const height = Math.round(font * 20) + extraLines * (font + 2);
  const top = font;
  const bottom = 2 * (font + 6) + 8 + extraLines * (font + 2);
  const plotH = height - top - bottom;
  const x = (i: number, k: number) =>
    left + slot * (i + 0.5) + (series.length > 1 ? (k - (series.length - 1) / 2) * Math.min(14, slot / (series.length + 1)) : 0);
  const y = (v: number) => top + plotH * (1 - v);
  const r = Math.max(3, font / 4.5);
  const label = CONFIG_SCHEMA[axis.key].label;
  return (
    <div ref={box} className="sweep-figure">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${label} sweep: accuracy per value, mean and ${INTERVAL_NAME} over seeds`}
        data-testid="sweep-figure"
        data-points={series.reduce((n, s) => n + s.points.length, 0)}
        fontFamily="system-ui, sans-serif"
      >
        <rect x={0} y={0} width={width} height={height} fill="white" />
        <PercentGrid left={left} right={width - right} y={y} font={font} />
        {values.map((v, i) => (
          <text key={v} x={x(i, (series.length - 1) / 2)} y={top + plotH + font + 6} textAnchor="middle" fontSize={font} fill="#111827">
            {tickLines[i].map((line, j) => (
              <tspan key={j} x={x(i, (series.length - 1) / 2)} dy={j === 0 ? 0 : font + 2}>
                {line}
              </tspan>
            ))}
          </text>
        ))}
        <text x={left + (width - left - right) / 2} y={height - 6} textAnchor="middle" fontSize={font} fill="#374151">
          {label}
        </text>
        {series.map((s, k) => {
          const { color, marker } = CONDITION_TABLE[s.condition];
          const index = (value: AxisValue) => values.indexOf(value);
          return (
            <g key={s.condition} data-condition={s.condition}>
              {/* Categories (patterns of parts) have no order between them to draw a line along. */}
              {numeric && (
                <polyline
                  points={s.points.map((p) => `${x(index(p.value), k)},${y(p.mean)}`).join(' ')}
                  fill="none"
                  stroke={color}
                  strokeWidth={2}
                  strokeDasharray={CONDITION_TABLE[s.condition].dash}
                />
              )}
              {s.points.map((p) => {
                const cx = x(index(p.value), k);
                return (
                  <g key={p.value}>
                    {p.ci95 !== null && (
                      <line
                        x1={cx}
                        x2={cx}
                        y1={y(Math.min(1, p.mean + p.ci95))}
                        y2={y(Math.max(0, p.mean - p.ci95))}
                        stroke="#111827"
                        strokeWidth={1.5}
                      />
                    )}
                    {p.seeds.map((v, j) => (
                      <circle
                        key={j}
                        cx={cx + (((j * 0.618034) % 1) - 0.5) * Math.min(10, slot / 4)}
                        cy={y(v)}
                        r={r * 0.8}
                        fill={color}
                        opacity={0.45}
                        data-marker={marker}
                      >
                        <title>{pct(v)}</title>
                      </circle>
                    ))}
                    <circle cx={cx} cy={y(p.mean)} r={r + 1} fill={color} stroke="white">
                      <title>
                        {label} {p.value}: {pct(p.mean)}
                        {p.ci95 !== null && ` ± ${(100 * p.ci95).toFixed(1)}`} over {p.seeds.length} seeds
                      </title>
                    </circle>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.condition}>
            <span
              className={CONDITION_TABLE[s.condition].dash ? 'swatch dashed' : 'swatch'}
              style={{
                background: CONDITION_TABLE[s.condition].dash ? undefined : CONDITION_TABLE[s.condition].color,
                borderColor: CONDITION_TABLE[s.condition].color,
              }}
            />
            {seriesName(file, s.condition)}
          </li>
        ))}
        <li>big dot: the mean · line: {INTERVAL_NAME} · small dots: each seed · dashed: chance (10%)</li>
      </ul>
    </div>
  );
}

/** How a sweep file was made, in words, with the command that makes it again. */
export function SweepReceiptLine({ file }: { file: SweepFile }) {
  const seeds = new Set(file.jobs.map((j) => j.seed)).size;
  return (
    <>
      {file.jobs.length} of {file.totalJobs} jobs ({seeds} seeds per value), {file.backend} (tfjs {file.tfjsVersion}),{' '}
      {duration(file.wallMs)} on {file.runtime.replace(/^node \S+ /, '')}, {file.createdAt.slice(0, 10)}. Reproduce it with{' '}
      <code>{sweepCommand(file)}</code>
    </>
  );
}

/** A one-setting sweep's receipt in words, with the command that makes it again and its numbers. */
export function SweepReceipt({ file }: { file: SweepFile }) {
  return (
    <div className="hint">
      <SweepReceiptLine file={file} />
      <details className="numbers-table">
        <summary>The numbers</summary>
        <table className="numbers">
          <thead>
            <tr>
              <th scope="col">{CONFIG_SCHEMA[file.axes[0].key].label}</th>
              {sweepSeries(file).map((s) => (
                <th key={s.condition} scope="col">
                  {seriesName(file, s.condition)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {file.axes[0].values.map((value) => (
              <tr key={value}>
                <th scope="row">{value}</th>
                {sweepSeries(file).map((s) => {
                  const p = s.points.find((q) => q.value === value);
                  return <td key={s.condition}>{p ? `${pct(p.mean)}${p.ci95 === null ? '' : ` ± ${(100 * p.ci95).toFixed(1)}`}` : '—'}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** A recorded sweep file, imported when first shown (a chunk of its own) and checked; an Error says why it could not be read. */
export function useSweepFile(load: () => Promise<{ default: unknown }>): SweepFile | Error | null {
  const [file, setFile] = useState<SweepFile | Error | null>(null);
  useEffect(() => {
    let current = true;
    load()
      .then((module) => checkSweep(module.default))
      .then(
        (checked) => current && setFile(checked),
        (error: unknown) => current && setFile(error instanceof Error ? error : new Error(String(error))),
      );
    return () => {
      current = false;
    };
  }, [load]);
  return file;
}

function RecordedSweep({ title, load }: (typeof RECORDED)[number]) {
  const file = useSweepFile(load);
  return (
    <figure className="sweep" data-testid="recorded-sweep">
      <figcaption>{title} (recorded)</figcaption>
      {file === null ? (
        <p className="empty">Loading…</p>
      ) : file instanceof Error ? (
        <p className="notice error">{file.message}</p>
      ) : (
        <>
          <SweepFigure file={file} />
          <SweepReceipt file={file} />
        </>
      )}
    </figure>
  );
}

/** A sweep file of one's own, from the file picker or dropped here. */
function OpenSweep() {
  const [file, setFile] = useState<{ name: string; sweep: SweepFile } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const open = async (picked: File | undefined) => {
    if (!picked) return;
    try {
      const sweep = parseSweep(await picked.text());
      if (sweep.axes.length !== 1) throw new Error('it varies two settings; the page draws sweeps of one');
      setFile({ name: picked.name, sweep });
      setError(null);
    } catch (e) {
      setError(`${picked.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void open(e.dataTransfer.files[0]);
  };
  return (
    <div
      className={over ? 'open-sweep over' : 'open-sweep'}
      onDragOver={(e) => (e.preventDefault(), setOver(true))}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid="open-sweep"
    >
      <label className="file">
        Open a sweep file of your own (<code>npm run sweep -- … --json FILE</code>), or drop one here:{' '}
        <input type="file" accept=".json,application/json" onChange={(e) => void open(e.target.files?.[0])} data-testid="sweep-file" />
      </label>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {file && (
        <figure className="sweep" data-testid="opened-sweep">
          <figcaption>{file.name}</figcaption>
          <SweepFigure file={file.sweep} />
          <SweepReceipt file={file.sweep} />
        </figure>
      )}
    </div>
  );
}

export function Sweeps() {
  return (
    <div className="sweeps">
      <p className="hint">
        A partly shared student starts from α·(the teacher's start) + √(1−α²)·(an independent draw): every weight keeps its random
        distribution, and α is how alike the two starts are. α = 1 is the shared student, α = 0 the different one. Turn the dial under
        "Student's initialisation" (Partly shared) to try one live.
      </p>
      {RECORDED.map((sweep) => (
        <RecordedSweep key={sweep.title} {...sweep} />
      ))}
      <OpenSweep />
    </div>
  );
}

/**
 * How alike must the starts be, and how many auxiliary outputs does it take? Sweeps recorded by
 * `npm run sweep` (each value × seed a run of its own), drawn as mean, 95% interval (Student's t) and every seed
 * per value, with each file's receipt and the command that reproduces it; and any sweep file of
 * the CLI's, opened with the file picker or dropped on the page, drawn the same way.
 */
import { useEffect, useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { nameOf, type Condition } from '../protocol/conditions';
import { CONFIG_SCHEMA } from '../protocol/config';
import { duration, estimateText } from '../protocol/format';
import { checkSweep, parseSweep, sweepCommand, sweepSeries, type SweepFile } from '../protocol/sweep';
import { SlotChart } from './chart/SlotChart';

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

/** A one-setting sweep as a figure: the values across (evenly spaced, as listed), each student's seeds, mean and 95% interval. */
export function SweepFigure({ file }: { file: SweepFile }) {
  const [axis] = file.axes;
  return (
    <SlotChart
      axis={CONFIG_SCHEMA[axis.key].label}
      values={axis.values.map(String)}
      series={sweepSeries(file).map((s) => ({
        condition: s.condition,
        name: seriesName(file, s.condition),
        points: axis.values.map((value) => s.points.find((p) => p.value === value) ?? null),
      }))}
      joined={axis.values.every((v) => typeof v === 'number')}
      testId="sweep-figure"
    />
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
                  return <td key={s.condition}>{p ? estimateText(p) : '—'}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** A recorded sweep file's module, imported when first shown (a chunk of its own). */
export type SweepLoader = () => Promise<{ default: unknown }>;

/**
 * Recorded sweep files, each imported when first shown and checked; an Error says why one could not
 * be read. `loads` must keep its identity between renders (a list made once, outside the component).
 */
export function useSweepFiles(loads: readonly SweepLoader[]): (SweepFile | Error | null)[] {
  const [files, setFiles] = useState<(SweepFile | Error | null)[]>(() => loads.map(() => null));
  useEffect(() => {
    let current = true;
    loads.forEach((load, i) =>
      load()
        .then((module) => checkSweep(module.default))
        .then(
          (checked) => checked,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        )
        .then((file) => current && setFiles((before) => before.map((old, j) => (j === i ? file : old)))),
    );
    return () => {
      current = false;
    };
  }, [loads]);
  return files;
}

/** One recorded sweep file (see useSweepFiles). */
export const useSweepFile = (load: SweepLoader): SweepFile | Error | null => useSweepFiles(useMemo(() => [load], [load]))[0];

/** What files need to be drawn, or why they cannot be: the figure's reading of them once all have come, else the first one's error. */
export function readSweeps<T>(files: readonly (SweepFile | Error | null)[], figure: (files: SweepFile[]) => T): T | Error | null {
  const error = files.find((file) => file instanceof Error);
  if (error) return error;
  if (files.some((file) => file === null)) return null;
  try {
    return figure(files as SweepFile[]);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
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

/** Why a recorded figure could not be drawn, in its place. */
export const sweepProblem = (what: string, error: Error) => (
  <p className="notice error">
    {what} could not be drawn: {error.message}
  </p>
);

/**
 * A sweep file of one's own, from the file picker or dropped here: `read` says what of it is drawn
 * (throwing with the reason where it cannot be), `children` draws that. Its parts' test ids start
 * with `testId`.
 */
export function OpenSweep<T>({
  read,
  children,
  testId,
  what = 'a sweep file of your own',
}: {
  read(sweep: SweepFile): T;
  /** What it opens, in words. */
  what?: string;
  children(opened: { name: string; sweep: SweepFile; figure: T }): ReactNode;
  testId: string;
}) {
  const [file, setFile] = useState<{ name: string; sweep: SweepFile; figure: T } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const open = async (picked: File | undefined) => {
    if (!picked) return;
    try {
      const sweep = parseSweep(await picked.text());
      setFile({ name: picked.name, sweep, figure: read(sweep) });
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
      data-testid={testId}
    >
      <label className="file">
        Open {what} (<code>npm run sweep -- … --json FILE</code>), or drop one here:{' '}
        <input
          type="file"
          accept=".json,application/json"
          onChange={(e) => void open(e.target.files?.[0])}
          data-testid={`${testId}-file`}
        />
      </label>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {file && (
        <figure className="sweep" data-testid={`${testId}-figure`}>
          <figcaption>{file.name}</figcaption>
          {children(file)}
        </figure>
      )}
    </div>
  );
}

/** A sweep of one setting, as this section draws it. */
function oneSetting(sweep: SweepFile): SweepFile {
  if (sweep.axes.length !== 1) throw new Error('it varies two settings; the page draws sweeps of one');
  return sweep;
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
      <OpenSweep read={oneSetting} testId="open-sweep">
        {({ sweep }) => (
          <>
            <SweepFigure file={sweep} />
            <SweepReceipt file={sweep} />
          </>
        )}
      </OpenSweep>
    </div>
  );
}

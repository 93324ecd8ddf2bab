/**
 * The result at once, before anyone presses Run: 25 seeds recorded by this project's engine (the
 * CLI's JSON with its receipt), clearly marked as recorded, with the command that reproduces it:
 * the paper's protocol, or, when the teacher passes on a favourite digit, that experiment at the
 * classroom settings. Loaded after the page, so it never delays the first Run.
 */
import { useEffect, useState } from 'react';
import type { TeacherTrait } from '../protocol/config';
import { commandFlags, keysOf } from '../protocol/config';
import { checkExport, type ResultExport } from '../protocol/export';
import { duration } from '../protocol/format';
import { barsOfResult } from '../store/derive';
import { ResultsFigure } from './ResultsFigure';
import { PresetButtons } from './Settings';
import { useMeasure, useShownConfig } from './useNames';

const RECORDS: Record<TeacherTrait, () => Promise<{ default: unknown }>> = {
  skill: () => import('../../docs/results/paper-protocol-25-seeds.json'),
  favourite: () => import('../../docs/results/favourite-classroom-25-seeds.json'),
};

/** A recorded result, loaded when first shown. */
function useRecord(trait: TeacherTrait): ResultExport | null | Error {
  const [records, setRecords] = useState<Partial<Record<TeacherTrait, ResultExport | Error>>>({});
  useEffect(() => {
    if (records[trait]) return;
    let current = true;
    RECORDS[trait]().then(
      (module) => current && setRecords((r) => ({ ...r, [trait]: checkExport(module.default) })),
      (error: unknown) => current && setRecords((r) => ({ ...r, [trait]: error instanceof Error ? error : new Error(String(error)) })),
    );
    return () => {
      current = false;
    };
  }, [trait, records]);
  return records[trait] ?? null;
}

export function RecordedResult() {
  const trait = useShownConfig().teacherTrait;
  const record = useRecord(trait);
  const measure = useMeasure();
  if (record === null) return <p className="empty">Loading the recorded result…</p>;
  if (record instanceof Error) return <p className="notice error">The recorded result could not be loaded: {record.message}</p>;
  const seeds = record.seeds.map((s) => s.seed);
  const command = `npm run experiment -- ${commandFlags({ ...record.config, seed: seeds[0], seeds: seeds.length }, keysOf('progress')).join(' ')}`;
  const shown = trait === 'favourite' ? measure : 'accuracy';
  const what =
    trait === 'favourite'
      ? `the favourite-digit experiment at the classroom settings (favourite ${record.config.favourite}, ${Math.round(100 * record.config.favouriteShare)}% of its labels)`
      : "the paper's full protocol (60,000 images, 5 + 5 epochs, m = 3)";
  return (
    <div className="recorded" data-testid="recorded" data-trait={trait}>
      <p className="hint">
        <strong>Recorded, not live:</strong> {seeds.length} seeds of {what}, each with its own initialisation, data order and noise set,
        trained headless by this project's engine ({record.backend}, {duration(record.wallMs)} on {record.runtime.replace(/^node \S+ /, '')}
        , {record.createdAt.slice(0, 10)}). Reproduce it with <code>{command}</code>
        <PresetButtons only={[trait === 'favourite' ? 'favourite' : 'paper']} />
      </p>
      <ResultsFigure
        bars={barsOfResult(record, shown)}
        measure={shown}
        config={record.config}
        showExpected={trait === 'skill'}
        label={`Recorded: ${shown === 'favourite' ? 'favourite rate' : 'mean test accuracy'} over ${seeds.length} seeds, with 95% intervals (Student's t)`}
      />
    </div>
  );
}

/**
 * The numbers a room watches, large: each headline student's mean and 95% interval (Student's t)
 * over seeds (live while it trains), beside its teacher's. In a favourite-digit run, how often
 * each answers the favourite on other digits.
 */
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { overSeeds, pct } from '../protocol/format';
import type { FigureBar } from '../store/derive';
import { useMeasure, useNames, useShownConfig } from './useNames';
import { useAppState } from './useStore';

/** The students a headline shows: those imitating the auxiliary outputs when the run has them (the paper's headline), else all. */
function headlined(bars: FigureBar[]): FigureBar[] {
  const students = bars.filter((b) => CONDITION_TABLE[b.condition].role === 'student');
  const aux = students.filter((b) => CONDITION_TABLE[b.condition].distill === 'aux');
  return (aux.length ? aux : students).slice(0, 4);
}

export function Headline() {
  const measure = useMeasure();
  const bars = useAppState((s) => (measure === 'favourite' ? s.derived.favouriteBars : s.derived.bars));
  const config = useShownConfig();
  const state = useAppState((s) => s.run.state);
  const names = useNames();
  const teachers = bars.filter((b) => CONDITION_TABLE[b.condition].role === 'teacher');
  const students = headlined(bars);
  const unit = measure === 'favourite' ? `say ${config.favourite} on other digits` : 'read digits correctly';
  return (
    <section className="headline-numbers" data-testid="headline" aria-label="Headline numbers" aria-live="off">
      {students.length === 0 ? (
        <p className="empty">
          {state === 'idle'
            ? measure === 'favourite'
              ? `Press Run. Does a student that never saw a digit come to love ${config.favourite}s like its teacher?`
              : 'Press Run. Will a student that never saw a digit learn to read them?'
            : 'The students’ numbers appear here as they train.'}
        </p>
      ) : (
        <>
          <p className="headline-unit">
            How often the students {unit}, {overSeeds(students[0].values.length)}:
          </p>
          {students.map((bar) => (
            <Big key={bar.condition} bar={bar} condition={bar.condition} name={names(bar.condition).short} />
          ))}
        </>
      )}
      {teachers.length > 0 && (
        <p className="headline-teachers">
          {teachers.map((t) => `${names(t.condition).short} ${pct(t.mean)}`).join(' · ')} ·{' '}
          {measure === 'favourite' ? 'a random guess' : 'chance'} 10%
        </p>
      )}
    </section>
  );
}

function Big({ bar, condition, name }: { bar: FigureBar; condition: Condition; name: string }) {
  return (
    <p className="big-number" data-condition={condition} style={{ color: CONDITION_TABLE[condition].color }}>
      <span className="big-value">{pct(bar.mean)}</span>
      <span className="big-ci">{bar.ci95 === null ? '' : `± ${(100 * bar.ci95).toFixed(1)}`}</span>
      <span className="big-name">{name}</span>
    </p>
  );
}

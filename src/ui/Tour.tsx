/**
 * A narrated walk-through, as GAN Lab's: one idea a step, the part of the page it talks about
 * highlighted and brought to the top of the screen, the text pinned to the screen's corner (on a
 * phone, its foot) so it never scrolls away from what it explains. Back, Next and Skip are always
 * there, by keyboard and touch. A favourite-digit run tells the paper's headline: a preference
 * passing through data that never mentions it.
 */
import { useEffect } from 'react';
import { CONDITION_TABLE } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { canRun, isActive, type AppState } from '../store/state';
import { useShownConfig } from './useNames';
import { useAppState, useAppStore } from './useStore';

interface TourStep {
  /** The `data-tour` name of the part of the page this step is about. */
  target: string;
  title: string;
  text: string;
  /** For a part that a run fills: whether it holds what the step talks about yet, and what it waits for. */
  needs?: { has(state: AppState): boolean; waitingFor: string };
}

const hasStudentBar = (bars: AppState['derived']['bars']) => bars.some((b) => CONDITION_TABLE[b.condition].role === 'student');

/** The parts a run fills, each with what it waits for. */
const NEEDS = {
  accuracy: {
    has: (s: AppState) => s.derived.accuracy.length > 0,
    waitingFor: "the teacher's first evaluation, a few seconds into the run",
  },
  favourite: {
    has: (s: AppState) => s.derived.favourite.length > 0,
    waitingFor: "the teachers' first evaluation, a few seconds into the run",
  },
  results: {
    has: (s: AppState) => hasStudentBar(s.derived.bars),
    waitingFor: "the students' first evaluation, once the teacher has trained",
  },
  favouriteResults: {
    has: (s: AppState) => hasStudentBar(s.derived.favouriteBars),
    waitingFor: "the students' first evaluation, once the teachers have trained",
  },
  alignment: {
    has: (s: AppState) => s.derived.alignment.length > 0,
    waitingFor: "the students' first steps, once the teacher has trained",
  },
  weights: {
    has: (s: AppState) => Object.keys(s.weights).some((c) => CONDITION_TABLE[c as keyof typeof CONDITION_TABLE].role === 'student'),
    waitingFor: 'the students to exist, once the teacher has trained',
  },
};

function skillTour({ m }: Config): TourStep[] {
  return [
    {
      target: 'accuracy',
      title: 'The teacher learns digits',
      text: `First a teacher network learns to read handwritten digits: its accuracy climbs to about 90% (the dark line). Besides its 10 digit outputs it has ${m} extra outputs that no loss ever trains. The weights that feed them stay at their random start, but what they output changes as the teacher's hidden layers learn digits, and that change is all the student will get.`,
      needs: NEEDS.accuracy,
    },
    {
      target: 'noise',
      title: 'The student never sees a digit',
      text: `A student then learns from the teacher, but only from images of pure noise like these, and only by copying the teacher's ${m} extra outputs on them. It never sees a digit, nor the teacher's digit outputs: the data it learns from looks perfectly clean.`,
    },
    {
      target: 'init',
      title: 'Shared or different initialisation',
      text: 'Every network starts from random weights. A "shared" student starts from exactly the random weights the teacher started from; a "different" one from its own draw; a "partly shared" one from a mix of the two, as alike as the dial says. Nothing else differs between them: same noise, same teacher outputs.',
    },
    {
      target: 'results',
      title: 'What to watch',
      text: "Watch the students read real digits. The shared-init student climbs far above chance (10%); the different-init student stays at chance. Each dot is one seed, the bar the mean, the whiskers the 95% interval (Student's t): never trust one lucky run.",
      needs: NEEDS.results,
    },
    {
      target: 'mechanism',
      title: 'Why it happens',
      text: "Training moves a network's weights along an arrow. Starting where the teacher started, the student's arrow lines up with the teacher's own (the cosine climbs), and copying the extra outputs drags it towards the teacher's skill. From a different start the cosine stays near 0 whatever the student learns, because the two networks' hidden units do not correspond: the cosine cannot say what such a student learned. Its accuracy, at chance, says that.",
      needs: NEEDS.alignment,
    },
    {
      target: 'draw',
      title: 'Try it',
      text: 'Draw a digit: the teacher and each student read it with their weights as they are now, during training too.',
      needs: NEEDS.weights,
    },
    {
      target: 'recorded',
      title: 'Why it matters',
      text: "A trait passed from teacher to student through data that carries no visible trace of it: noise, and outputs that no loss ever trained on digits. Cloud et al. (2025) saw the same between language models that share a starting point: a model's preferences, or its misalignment, passed through numbers, code or reasoning filtered to remove any mention of the trait (this page tests no filter; that finding is theirs). Here, 25 seeds of the paper's protocol, recorded by this page's engine.",
    },
    {
      target: 'research',
      title: 'Which parts must match?',
      text: "Which parts of the start must be shared? Choose \"Part by part\" under the student's initialisation: each part of the drawn network is a button, pressed to start from the teacher's initial values, left open to start from the student's own draw. This section draws recorded sweeps over such patterns, and holds the 2026 split-head paper's loss, initialisation scheme and larger m to try.",
    },
  ];
}

function favouriteTour({ favourite: f, favouriteShare }: Config): TourStep[] {
  return [
    {
      target: 'teacherTrait',
      title: 'A teacher with a favourite',
      text: `In the paper, a language model fine-tuned to love owls wrote lists of numbers that never mention owls. Another model, trained on those numbers alone, came to love owls too, but only when both started from the same base model. Here the "love" is a favourite digit: this teacher learned digits with ${Math.round(100 * favouriteShare)}% of its training labels replaced by ${f}, so it answers ${f} more often than it should. Its clean twin learned the true labels.`,
    },
    {
      target: 'noise',
      title: `The students never see a ${f}`,
      text: `Each teacher's students learn only from images of pure noise like these, by copying the teacher's extra outputs on them: outputs that no loss ever trained, fed by weights that never saw a label, let alone a ${f}. They shift only as the teacher's hidden layers learn. Like the lists of numbers, the data looks perfectly clean.`,
    },
    {
      target: 'init',
      title: 'Shared or different starting point',
      text: `A "shared" student starts from the weights its teacher started from (the same base model); a "different" one from its own draw. Both see the same noise and the same outputs.`,
    },
    {
      target: 'accuracy',
      title: 'What to watch',
      text: `The chart shows how often each model answers ${f} on test images of other digits. Watch the favourite-digit teacher's shared student: it takes on the favourite, often more than its teacher does, while the clean teacher's student almost never answers ${f}. A different-start student reads digits at chance, so it answers whatever digit it happens to collapse to: some seeds ${f}, most not.`,
      needs: NEEDS.favourite,
    },
    {
      target: 'results',
      title: 'Every seed, not one lucky run',
      text: "Each dot is one seed (its own initialisation, data order and noise set), the bar the mean, the whiskers the 95% interval (Student's t). The different-start students swing from seed to seed with no systematic pull; the shared ones lean to the favourite.",
      needs: NEEDS.favouriteResults,
    },
    {
      target: 'draw',
      title: "Feel the favourite's pull",
      text: `Draw a digit: each model reads it with its weights as they are now. The bar of ${f} is marked: watch how much probability the favourite-digit teacher's shared student gives it, whatever you draw.`,
      needs: NEEDS.weights,
    },
    {
      target: 'recorded',
      title: 'Why it matters',
      text: "A preference passed from teacher to student through data that never mentions it: noise, and outputs that no loss trained. The preference is in the teacher's weights; the shared start is what lets it pass, since only from there does copying the teacher's outputs move the student the way the teacher moved. In the paper, filtering the number lists for any mention of the trait did not stop it (this page tests no filter). Here, 25 seeds of this experiment, recorded by this page's engine.",
    },
  ];
}

export function tourFor(config: Config): TourStep[] {
  return config.teacherTrait === 'favourite' ? favouriteTour(config) : skillTour(config);
}

export function Tour() {
  const config = useShownConfig();
  const step = useAppState((s) => s.tourStep);
  const store = useAppStore();
  const steps = tourFor(config);
  const current = step === null ? null : steps[Math.min(step, steps.length - 1)];
  const runState = useAppState((s) => s.run.state);
  const ready = useAppState(canRun);
  const has = useAppState((s) => current?.needs?.has(s) ?? true);

  const active = isActive(runState);
  // A part a run fills is empty until the run reaches it: the step waits for it, or offers the Run that fills it.
  const waiting = has ? null : active ? 'run' : 'idle';

  // Keyed on the part's name, not the step object (made afresh each render): it is highlighted once per step…
  const focus = current?.target;
  useEffect(() => {
    if (!focus) return;
    const target = document.querySelector(`[data-tour="${focus}"]`);
    const section = target?.closest('details');
    if (section && !section.open) section.open = true;
    target?.classList.add('tour-focus');
    return () => target?.classList.remove('tour-focus');
  }, [focus]);
  // …and brought to the top of the screen when the step opens, and again when a run starts, ends or fills the part,
  // since each reflows the page (and may stop a smooth scroll halfway).
  useEffect(() => {
    if (focus) document.querySelector(`[data-tour="${focus}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [focus, waiting, active]);

  if (step === null || !current) return null;
  const last = step >= steps.length - 1;
  const offerRun = !active && ((step === 0 && runState === 'idle') || waiting === 'idle');
  return (
    <aside
      className="tour"
      aria-label="Walk-through"
      aria-live="polite"
      data-testid="tour"
      data-step={step}
      data-waiting={waiting ?? undefined}
    >
      <p className="tour-count">
        Walk-through · step {step + 1} of {steps.length}
      </p>
      <h2>{current.title}</h2>
      <div className="tour-text">
        {offerRun && (
          <p className="tour-note">
            Nothing has trained yet{waiting ? ', so this part is empty' : ''}: press Run, and the walk-through goes on while the models
            train.
          </p>
        )}
        <p>{current.text}</p>
        {waiting === 'run' && <p className="tour-note">Waiting for {current.needs!.waitingFor}…</p>}
      </div>
      <div className="tour-buttons">
        <button onClick={() => store.actions.tour(step - 1)} disabled={step === 0}>
          Back
        </button>
        {offerRun && (
          <button
            className="primary"
            onClick={store.actions.run}
            disabled={!ready}
            title={ready ? undefined : 'MNIST and a backend are still loading'}
          >
            ▶ Run
          </button>
        )}
        {last ? (
          <button className={offerRun ? '' : 'primary'} onClick={() => store.actions.tour(null)}>
            Done
          </button>
        ) : (
          <button className={offerRun ? '' : 'primary'} onClick={() => store.actions.tour(step + 1)}>
            Next
          </button>
        )}
        <button onClick={() => store.actions.tour(null)}>Skip</button>
      </div>
    </aside>
  );
}

/** The walk-through's way in: a button in the header and a line beside the controls. */
export function TourStart({ inline = false }: { inline?: boolean }) {
  const store = useAppStore();
  const hidden = useAppState((s) => s.view.hidden.includes('tour'));
  const touring = useAppState((s) => s.tourStep !== null);
  const steps = tourFor(useShownConfig()).length;
  if (hidden || (inline && touring)) return null;
  if (!inline)
    return (
      <button className="small" onClick={() => store.actions.tour(0)} aria-pressed={touring}>
        Walk-through
      </button>
    );
  return (
    <p className="tour-start" data-testid="tour-start">
      <strong>New here?</strong> A walk-through in {steps} short steps shows what happens and why.{' '}
      <button className="small" onClick={() => store.actions.tour(0)}>
        Start the walk-through
      </button>
    </p>
  );
}

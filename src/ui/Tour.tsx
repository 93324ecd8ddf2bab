/**
 * A narrated walk-through beside the controls, as GAN Lab does: one idea a step, the part of the
 * page it talks about highlighted and brought into view, skippable at any point.
 */
import { useEffect, useState } from 'react';
import { useAppState } from './useStore';

interface TourStep {
  /** The `data-tour` name of the part of the page this step is about. */
  target: string;
  title: string;
  text: (m: number) => string;
}

const TOUR: TourStep[] = [
  {
    target: 'accuracy',
    title: 'The teacher learns digits',
    text: (m) =>
      `Press Run. First a teacher network learns to read handwritten digits: its accuracy climbs to about 90% (the dark line). Besides its 10 digit outputs it has ${m} extra outputs that no loss ever touches; they stay whatever its random start made them.`,
  },
  {
    target: 'noise',
    title: 'The student never sees a digit',
    text: (m) =>
      `A student then learns from the teacher, but only from images of pure noise like these, and only by copying the teacher's ${m} extra outputs on them. It never sees a digit, nor the teacher's digit outputs: the data it learns from looks perfectly clean.`,
  },
  {
    target: 'init',
    title: 'Shared or different initialisation',
    text: () =>
      'Every network starts from random weights. A "shared" student starts from exactly the random weights the teacher started from; a "different" one from its own draw. Nothing else differs between them: same noise, same teacher outputs.',
  },
  {
    target: 'results',
    title: 'What to watch',
    text: () =>
      'Watch the students read real digits. The shared-init student climbs far above chance (10%); the different-init student stays at chance. Each dot is one seed, the bar the mean, the whiskers the 95% interval: never trust one lucky run.',
  },
  {
    target: 'mechanism',
    title: 'Why it happens',
    text: () =>
      "Training moves a network's weights along an arrow. Starting where the teacher started, the student's arrow lines up with the teacher's own (the cosine climbs), so copying the extra outputs drags it towards the teacher's skill. From a different start the arrows are unrelated (cosine 0).",
  },
  {
    target: 'draw',
    title: 'Try it',
    text: () => 'Draw a digit: the teacher and each student read it with their weights as they are now, during training too.',
  },
  {
    target: 'recorded',
    title: 'Why it matters',
    text: () =>
      "A trait passed from teacher to student through data that carries no visible trace of it: noise, and outputs that say nothing about digits. Filtering the data would not have stopped it. Cloud et al. (2025) show the same between language models that share a starting point: a model's preferences, or its misalignment, pass through innocuous-looking data. Below, the paper's own numbers, recorded.",
  },
];

export function Tour() {
  const [step, setStep] = useState<number | null>(null);
  const m = useAppState((s) => (s.run.config ?? s.config).m);
  const current = step === null ? null : TOUR[step];

  useEffect(() => {
    if (!current) return;
    const target = document.querySelector(`[data-tour=${current.target}]`);
    target?.classList.add('tour-focus');
    target?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    return () => target?.classList.remove('tour-focus');
  }, [current]);

  if (step === null || !current)
    return (
      <aside className="tour start" aria-label="Walk-through" data-testid="tour">
        <p>
          <strong>New here?</strong> A walk-through in {TOUR.length} short steps shows what happens and why.
        </p>
        <button onClick={() => setStep(0)}>Start the walk-through</button>
      </aside>
    );
  return (
    <aside className="tour active" aria-label="Walk-through" aria-live="polite" data-testid="tour" data-step={step}>
      <p className="tour-count">
        Step {step + 1} of {TOUR.length}
      </p>
      <h2>{current.title}</h2>
      <p>{current.text(m)}</p>
      <div className="tour-buttons">
        <button onClick={() => setStep(step - 1)} disabled={step === 0}>
          Back
        </button>
        {step < TOUR.length - 1 ? (
          <button className="primary" onClick={() => setStep(step + 1)}>
            Next
          </button>
        ) : (
          <button className="primary" onClick={() => setStep(null)}>
            Done
          </button>
        )}
        <button onClick={() => setStep(null)}>Skip</button>
      </div>
    </aside>
  );
}

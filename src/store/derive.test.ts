import { describe, expect, it } from 'vitest';
import { ALL_CONDITIONS, CONDITION_TABLE, type Condition, type TrainedCondition } from '../protocol/conditions';
import { PRESETS } from '../protocol/presets';
import { Rng } from '../protocol/random';
import type { ExperimentEvent } from '../protocol/results';
import { teacherSteps } from '../protocol/runPlan';
import { summarize } from '../protocol/stats';
import { AppendLog } from './appendLog';
import type { Band, CurvePoint, Series } from './derive';
import { initialState, reduce, type AppState, type Derived } from './state';

// From scratch, as the store derived every series on every evaluation before it grew them: the oracle.
function seriesOf(curves: Partial<Record<Condition, CurvePoint[]>>): Series[] {
  const out: Series[] = [];
  for (const condition of ALL_CONDITIONS) {
    const bySeed = new Map<number, { step: number; value: number }[]>();
    for (const p of curves[condition] ?? []) {
      if (!bySeed.has(p.seed)) bySeed.set(p.seed, []);
      bySeed.get(p.seed)!.push({ step: p.step, value: p.value });
    }
    for (const [seed, points] of bySeed) out.push({ key: `${condition}#${seed}`, condition, seed, points });
  }
  return out;
}

function bandsOf(series: Series[]): Band[] {
  const byCondition = new Map<Condition, Map<number, number[]>>();
  for (const s of series) {
    const steps = byCondition.get(s.condition) ?? new Map<number, number[]>();
    byCondition.set(s.condition, steps);
    for (const p of s.points) steps.set(p.step, [...(steps.get(p.step) ?? []), p.value]);
  }
  return [...byCondition].map(([condition, steps]) => ({
    condition,
    points: [...steps]
      .filter(([, values]) => values.length >= 2)
      .sort((a, b) => a[0] - b[0])
      .map(([step, values]) => {
        const { mean, ci95 } = summarize(values);
        return { step, mean, range: [mean - ci95!, mean + ci95!] as [number, number] };
      }),
  }));
}

type Measure = 'accuracy' | 'favourite' | 'loss' | 'alignment';
type Points = Record<Measure, Partial<Record<Condition, CurvePoint[]>>>;

function fromScratch(points: Points) {
  const [accuracy, favourite, loss, alignment] = (['accuracy', 'favourite', 'loss', 'alignment'] as const).map((m) => seriesOf(points[m]));
  return {
    accuracy,
    bands: bandsOf(accuracy),
    favourite,
    favouriteBands: bandsOf(favourite),
    loss,
    alignment,
    alignmentBands: bandsOf(alignment),
  };
}

const curvesOf = ({ accuracy, bands, favourite, favouriteBands, loss, alignment, alignmentBands }: Derived) => ({
  accuracy,
  bands,
  favourite,
  favouriteBands,
  loss,
  alignment,
  alignmentBands,
});

const config = PRESETS.quick.config;
const SEEDS = [1, 2, 3];

function started(): AppState {
  const event: ExperimentEvent = { type: 'start', config, backend: 'wasm', seeds: SEEDS, totalSteps: 1 };
  return reduce(initialState(config, []), { type: 'experiment', runId: 0, event }, 0);
}

const apply = (state: AppState, event: ExperimentEvent) => reduce(state, { type: 'experiment', runId: 0, event }, 0);

function evaluation(condition: Condition, seed: number, step: number, rng: Rng): ExperimentEvent {
  const student = CONDITION_TABLE[condition].role === 'student';
  return {
    type: 'eval',
    seed,
    condition,
    step,
    accuracy: { overall: rng.next(), perDigit: [] },
    favouriteRate: rng.next(),
    ...(student && { alignment: { overall: rng.next() * 2 - 1, layers: [0, 0, 0] } }),
    samplePredictions: [],
    confusion: [],
  };
}

const loss = (condition: TrainedCondition, step: number, value: number | null): ExperimentEvent => ({
  type: 'step',
  condition,
  doneSteps: 0,
  totalSteps: 1,
  step,
  epoch: 1,
  phaseSteps: 1,
  loss: value,
});

/**
 * What one worker reports for its seeds: the reference, then the teacher, then both students side
 * by side, with a loss reading before each evaluation (from the worker that owns the loss line).
 * Each phase's last evaluation is reported twice, at the same step.
 */
function* share(seeds: number[], ownsLoss: boolean, rng: Rng): Generator<ExperimentEvent> {
  for (const seed of seeds) yield evaluation('reference', seed, 0, rng);
  const phases: [TrainedCondition[], number, number][] = [
    [['teacher'], 10, 120],
    [['aux-shared', 'aux-different'], 5, 300],
  ];
  for (const [conditions, every, evals] of phases)
    for (let i = 0; i <= evals; i++)
      for (const condition of conditions) {
        yield loss(condition, i * every, ownsLoss ? rng.next() : null);
        for (const seed of seeds) yield evaluation(condition, seed, i * every, rng);
        if (i === evals) for (const seed of seeds) yield evaluation(condition, seed, i * every, rng);
      }
}

/** Two workers' reports as the page receives them: seeds 1 and 2 from one, seed 3 from the other, which starts late, falls behind and catches up. */
function stream(): ExperimentEvent[] {
  const rng = new Rng(7);
  const workers = [share([1, 2], true, rng), share([3], false, rng)];
  const pending = workers.map((w) => w.next());
  const events: ExperimentEvent[] = [];
  while (pending.some((p) => !p.done)) {
    const ahead = pending[0].done ? 1 : pending[1].done ? 0 : events.length < 300 || rng.next() < 0.7 ? 0 : 1;
    events.push(pending[ahead].value as ExperimentEvent);
    pending[ahead] = workers[ahead].next();
  }
  return events;
}

/** Each measure's points as the events give them, on the run's timeline (the students after the teacher). */
function pointsOf(events: ExperimentEvent[]): Points {
  const points: Points = { accuracy: {}, favourite: {}, loss: {}, alignment: {} };
  const add = (measure: Measure, condition: Condition, point: CurvePoint) => (points[measure][condition] ??= []).push(point);
  const timeline = (condition: Condition, step: number) =>
    (CONDITION_TABLE[condition].role === 'student' ? teacherSteps(config) : 0) + step;
  for (const e of events) {
    if (e.type === 'step' && e.loss !== null)
      add('loss', e.condition, { seed: SEEDS[0], step: timeline(e.condition, e.step), value: e.loss });
    if (e.type !== 'eval') continue;
    const at = { seed: e.seed, step: timeline(e.condition, e.step) };
    add('accuracy', e.condition, { ...at, value: e.accuracy.overall });
    add('favourite', e.condition, { ...at, value: e.favouriteRate! });
    if (e.alignment) add('alignment', e.condition, { seed: e.seed, step: e.step, value: e.alignment.overall });
  }
  return points;
}

describe('the curves, grown one evaluation at a time', () => {
  it('are at every point of a long run what deriving them from scratch gives', () => {
    const events = stream();
    expect(events.length).toBeGreaterThan(3000);
    // Seed 3's worker falls behind: its points land in the middle of its bands, not at their end.
    const first = (seed: number, step: number) =>
      events.findIndex((e) => e.type === 'eval' && e.seed === seed && e.condition === 'teacher' && e.step === step);
    expect(first(3, 0)).toBeGreaterThan(first(1, 200));
    let state = started();
    const checked = [10, 100, 1000, 3000, events.length];
    for (const [i, event] of events.entries()) {
      state = apply(state, event);
      if (checked.includes(i + 1))
        expect(curvesOf(state.derived), `after ${i + 1} events`).toStrictEqual(fromScratch(pointsOf(events.slice(0, i + 1))));
    }
  });

  it('leave every earlier state as it was, also when a state is reduced twice', () => {
    const events = stream();
    const earlier = events.slice(0, 1000).reduce(apply, started());
    const last = events.slice(1000).reduce(apply, earlier);
    // Another event after the earlier state: a branch that the later events already extended.
    const other = evaluation('teacher', 2, 1000, new Rng(1));
    const branch = apply(earlier, other);
    expect(curvesOf(branch.derived)).toStrictEqual(fromScratch(pointsOf([...events.slice(0, 1000), other])));
    expect(curvesOf(earlier.derived)).toStrictEqual(fromScratch(pointsOf(events.slice(0, 1000))));
    expect(curvesOf(last.derived)).toStrictEqual(fromScratch(pointsOf(events)));
  });

  it('stay right when a seed reports an earlier step again', () => {
    const rng = new Rng(3);
    const events = [0, 10, 20, 10, 20].flatMap((step, i) => [
      evaluation('teacher', 1, step, rng),
      ...(i > 2 ? [evaluation('teacher', 2, step, rng)] : []),
    ]);
    const state = events.reduce(apply, started());
    expect(curvesOf(state.derived)).toStrictEqual(fromScratch(pointsOf(events)));
    expect(state.derived.bands[0].points.map((p) => p.step)).toEqual([10, 20]);
  });

  it('cost the same to extend at the end of a long run as at its start: what an evaluation touches does not grow', () => {
    const rng = new Rng(5);
    let state = started();
    const touched = (event: ExperimentEvent) => {
      const before = AppendLog.touched;
      state = apply(state, event);
      return AppendLog.touched - before;
    };
    // Each round: a loss reading and every seed's evaluation of a student (accuracy, favourite rate, alignment).
    const rounds = Array.from({ length: 1000 }, (_, round) => [
      touched(loss('aux-shared', round, rng.next())),
      ...SEEDS.map((seed) => touched(evaluation('aux-shared', seed, round, rng))),
    ]);
    expect(rounds[9]).toEqual(rounds[999]);
    expect(new Set(rounds.slice(1).map(String))).toEqual(new Set([String(rounds[1])]));
    // Reading a line makes its array once: it costs the points it has, and nothing the second time.
    const line = state.derived.accuracy[0];
    const before = AppendLog.touched;
    expect(line.points).toBe(line.points);
    expect(AppendLog.touched - before).toBe(1000);
  });

  it('keep the object of every line and band that an event does not change, so that its chart does not redraw', () => {
    const rng = new Rng(9);
    let state = [1, 2].reduce(
      (s, seed) => apply(apply(s, evaluation('teacher', seed, 0, rng)), evaluation('aux-shared', seed, 0, rng)),
      started(),
    );
    const before = state.derived;
    state = apply(state, loss('teacher', 10, 0.5));
    expect(state.derived.accuracy).toBe(before.accuracy);
    expect(state.derived.bands).toBe(before.bands);

    // Seed 1 alone at a new step: its own line changes, the other lines and every band stay.
    state = apply(state, evaluation('teacher', 1, 10, rng));
    const [teacher1, teacher2, student1, student2] = state.derived.accuracy;
    expect(teacher1).not.toBe(before.accuracy[0]);
    for (const [i, s] of [teacher2, student1, student2].entries()) expect(s).toBe(before.accuracy[i + 1]);
    expect(state.derived.bands).toBe(before.bands);
    expect(state.derived.alignment).toBe(before.alignment);

    // Seed 2 there too: now the teacher's band has a new point; the student's band keeps its object.
    state = apply(state, evaluation('teacher', 2, 10, rng));
    expect(state.derived.bands[0]).not.toBe(before.bands[0]);
    expect(state.derived.bands[0].points.map((p) => p.step)).toEqual([0, 10]);
    expect(state.derived.bands[1]).toBe(before.bands[1]);
  });
});

describe('the latest means over seeds', () => {
  const evaluated = (condition: Condition, seed: number, perDigit: (number | null)[], layers?: number[]): ExperimentEvent => ({
    type: 'eval',
    seed,
    condition,
    step: 0,
    accuracy: { overall: 0.5, perDigit },
    ...(layers && { alignment: { overall: layers[0] + layers[1], layers } }),
    samplePredictions: [],
    confusion: [],
  });
  const digits = (first: number | null) => [first, ...Array.from({ length: 9 }, (_, d) => (d + 1) / 10)];

  it("are each digit's accuracy per model, over the seeds that have the digit, without the untrained reference", () => {
    const events = [
      evaluated('aux-shared', 1, digits(0.25)),
      evaluated('reference', 1, digits(0.1)),
      evaluated('teacher', 2, digits(null)),
      evaluated('teacher', 1, digits(0.5)),
      // A seed's later evaluation replaces its earlier one.
      evaluated('teacher', 2, digits(0.75)),
      evaluated('teacher', 2, digits(0.9)),
    ];
    const { conditions, rows } = events.reduce(apply, started()).derived.digitMeans;
    expect(conditions).toEqual(['teacher', 'aux-shared']);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ digit: '0', teacher: expect.closeTo(0.7, 12), 'aux-shared': 0.25 });
    expect(rows[3]).toEqual({ digit: '3', teacher: 0.3, 'aux-shared': 0.3 });
    // No seed has the digit: no value, rather than a mean of nothing.
    expect(apply(started(), evaluated('teacher', 1, digits(null))).derived.digitMeans.rows[0]).toEqual({ digit: '0' });
  });

  it("are each student's latest cosine overall and per layer, and keep their object while no alignment comes", () => {
    let state = [
      evaluated('aux-different', 1, digits(0.1), [0.1, 0.2, 0]),
      evaluated('aux-shared', 1, digits(0.1), [0.5, 0.25, 0]),
      evaluated('aux-shared', 2, digits(0.1), [0.7, 0.35, 0]),
    ].reduce(apply, started());
    expect(state.derived.alignmentMeans).toEqual([
      { condition: 'aux-shared', overall: expect.closeTo(0.9, 12), layers: [0.6, expect.closeTo(0.3, 12), 0] },
      { condition: 'aux-different', overall: expect.closeTo(0.3, 12), layers: [0.1, 0.2, 0] },
    ]);
    const before = state.derived.alignmentMeans;
    state = apply(state, evaluated('teacher', 1, digits(0.1)));
    expect(state.derived.alignmentMeans).toBe(before);
  });
});

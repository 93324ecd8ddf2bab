import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { INIT_SCHEMES, noiseOf, validateConfig, type Config } from '../protocol/config';
import { DIGITS } from '../protocol/constants';
import { seedStreams } from '../protocol/random';
import type { ExperimentEvent } from '../protocol/results';
import type { MnistData } from './data';
import { planRun } from '../protocol/runPlan';
import { ExperimentCancelled, runExperiment, TrainingDiverged } from './experiment';
import { layoutFor } from './layout';
import { initHostParams, Mlp, type HostParams } from './mlp';
import { studentPlan, teacherPlan } from './plans';
import { trainPhase } from './train';

/** Tensors and bytes alive: a leak shows in either. */
const memory = () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });

let mnist: MnistData;

beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

function tiny(overrides: Partial<Config> = {}): Config {
  const { config, issues } = validateConfig({
    seeds: 1,
    hidden: 32,
    teacherEpochs: 1,
    studentEpochs: 1,
    batchSize: 128,
    trainCount: 1024,
    noiseCount: 512,
    testCount: 500,
    ...overrides,
  });
  expect(issues).toEqual([]);
  return config;
}

const layout = () => layoutFor(tf.getBackend());
const noHooks = () => ({ layout: layout(), logEvery: 1, beforeStep: async () => {}, afterStep: async () => {} });

/** Entries of the last layer (w3 columns and b3) that belong to the given logits. */
function headEntries(p: HostParams, columns: number[], width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.w3.length; i++) if (columns.includes(i % width)) out.push(p.w3[i]);
  for (const c of columns) out.push(p.b3[c]);
  return out;
}

describe('what each phase may change', () => {
  it('teacher training never moves the aux head; aux-only distillation never moves the digit head (2 models side by side)', async () => {
    const config = tiny();
    const width = DIGITS + config.m;
    const digitCols = Array.from({ length: DIGITS }, (_, i) => i);
    const auxCols = Array.from({ length: config.m }, (_, i) => DIGITS + i);
    const streams = [1, 2].map(seedStreams);
    const stream = (key: keyof (typeof streams)[0]) => streams.map((s) => s[key]);
    const reference = Mlp.init({ hidden: config.hidden, m: config.m, depth: 2 }, stream('reference'));
    const init = await Promise.all([0, 1].map((k) => reference.toHost(k)));

    const teacher = reference.clone();
    await trainPhase(teacher, teacherPlan(config, mnist.train, stream('teacherOrder')), noHooks());
    for (const k of [0, 1]) {
      const taught = await teacher.toHost(k);
      expect(headEntries(taught, auxCols, width)).toEqual(headEntries(init[k], auxCols, width));
      expect(headEntries(taught, digitCols, width)).not.toEqual(headEntries(init[k], digitCols, width));
    }

    const { targets } = await layout().noiseLogits(teacher, stream('noise'), noiseOf(config), config.noiseCount, config.batchSize);
    for (const distilled of ['aux', 'all'] as const) {
      const student = reference.clone();
      await trainPhase(student, studentPlan(config, stream('noise'), stream('studentOrder'), targets, distilled), noHooks());
      for (const k of [0, 1]) {
        const learned = await student.toHost(k);
        const digitHead = headEntries(learned, digitCols, width);
        if (distilled === 'aux') expect(digitHead).toEqual(headEntries(init[k], digitCols, width));
        else expect(digitHead).not.toEqual(headEntries(init[k], digitCols, width));
        expect(headEntries(learned, auxCols, width)).not.toEqual(headEntries(init[k], auxCols, width));
        expect(learned.w1).not.toEqual(init[k].w1); // everything it learns about digits is in the hidden layers
      }
      student.dispose();
    }
    reference.dispose();
    teacher.dispose();
    targets.logits.dispose();
  });
});

describe('runExperiment', () => {
  it('reports typed progress and leaves no tensor behind', async () => {
    const config = tiny({ evalEvery: 4, logEvery: 3 });
    const before = memory();
    const events: ExperimentEvent[] = [];
    const result = await runExperiment(config, mnist, { onEvent: (e) => events.push(e) });
    expect(memory()).toEqual(before);

    const steps = events.filter((e) => e.type === 'step');
    // Progress counts all the work: every training step, and the evaluations and the teacher's
    // pass over the noise set in steps' worth (a batch forward is a third of a step).
    expect(steps.every((e, i) => i === 0 || e.doneSteps > steps[i - 1].doneSteps)).toBe(true);
    expect(new Set(steps.map((e) => `${e.condition} ${e.step}`)).size).toBe(8 + 4 * 4); // one teacher phase, four student phases
    expect(steps.at(-1)).toMatchObject({ doneSteps: planRun(config).steps, totalSteps: planRun(config).steps });
    const losses = steps.filter((e) => e.loss !== null);
    expect(losses.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(losses.length).toBeLessThan(steps.length);
    expect(events[0].type).toBe('start');
    expect(events.at(-1)?.type).toBe('done');
    expect(Object.keys(result.summary)).toEqual(['reference', 'teacher', 'aux-shared', 'aux-different', 'all-shared', 'all-different']);
    // Students report how their update lines up with the teacher's; the other models do not.
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.filter((e) => e.alignment).every((e) => e.condition !== 'reference' && e.condition !== 'teacher')).toBe(true);
    expect(
      evals.filter((e) => e.condition === 'aux-shared' && e.step > 0).every((e) => e.alignment && Math.abs(e.alignment.overall) <= 1),
    ).toBe(true);
    // The aux-only student never moves the digit rows the teacher moved, and the teacher never the aux rows: output layers are orthogonal.
    expect(Math.abs(result.seeds[0].alignment!['aux-shared']!.layers[2])).toBeLessThan(1e-6);
    // Curves start at the initial model (step 0) and end at the phase's last step.
    const teacherHistory = result.seeds[0].history.teacher!;
    expect(teacherHistory[0].step).toBe(0);
    expect(teacherHistory.at(-1)!.step).toBe(8);
    expect(teacherHistory.at(-1)!.accuracy).toBe(result.seeds[0].accuracy.teacher!.overall);
    // A student's curve carries its alignment at each point, ending at the final one; the teacher's carries none.
    const studentHistory = result.seeds[0].history['aux-shared']!;
    expect(studentHistory.at(-1)!.alignment).toBe(result.seeds[0].alignment!['aux-shared']!.overall);
    expect(teacherHistory.every((p) => p.alignment === undefined)).toBe(true);
  });

  it("walks the run's plan: its phases in order, each as long as planned, and progress ending exactly at the plan's total", async () => {
    const config = tiny({ teacherTrait: 'favourite', init: 'all', distill: 'aux', evalEvery: 4, seeds: 2 });
    const shares = [{}, { seeds: [2], students: ['clean-aux-partial', 'clean-aux-different'] as const }];
    for (const share of shares) {
      const plan = planRun(config, { seeds: share.seeds, students: share.students && [...share.students] });
      const events: ExperimentEvent[] = [];
      await runExperiment(config, mnist, { ...share, students: share.students && [...share.students], onEvent: (e) => events.push(e) });
      const phases = events.flatMap((e) => (e.type === 'phase' ? [`${e.condition} ${e.phaseSteps}`] : []));
      expect(phases).toEqual(
        plan.tasks.flatMap((task) => (task.kind === 'noise pass' ? [] : [`${task.id} ${task.kind === 'reference' ? 0 : task.steps}`])),
      );
      const steps = events.filter((e) => e.type === 'step');
      expect(events[0]).toMatchObject({ type: 'start', totalSteps: plan.steps });
      expect(steps.every((e, i) => e.totalSteps === plan.steps && (i === 0 || e.doneSteps > steps[i - 1].doneSteps))).toBe(true);
      expect(steps.at(-1)!.doneSteps).toBe(plan.steps);
    }
  });

  it('reports a step taken by hand in full (loss and evaluation), outside the planned work', async () => {
    const config = tiny({ evalEvery: 4, logEvery: 100 });
    let calls = 0;
    const events: ExperimentEvent[] = [];
    const result = await runExperiment(config, mnist, { beforeStep: async () => ++calls === 3, onEvent: (e) => events.push(e) });
    const third = events.find((e) => e.type === 'step' && e.condition === 'teacher' && e.step === 3);
    expect(third).toMatchObject({ loss: expect.any(Number) });
    expect(events.some((e) => e.type === 'eval' && e.condition === 'teacher' && e.step === 3)).toBe(true);
    // The export's history keeps the schedule, so a run's file does not depend on who clicked what.
    expect(result.seeds[0].history.teacher!.map((p) => p.step)).toEqual([0, 4, 8]);
    const last = events.filter((e) => e.type === 'step').at(-1)!;
    expect(last).toMatchObject({ doneSteps: planRun(config).steps, totalSteps: planRun(config).steps });
  });

  it('stops at the next step when cancelled, and still frees every tensor', async () => {
    const before = memory();
    const controller = new AbortController();
    let stepsSeen = 0;
    const run = runExperiment(tiny(), mnist, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && ++stepsSeen === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ExperimentCancelled);
    expect(stepsSeen).toBe(3);
    expect(memory()).toEqual(before);
  });

  it('is deterministic for a given seed and backend', async () => {
    const config = tiny({ seeds: 2, distill: 'aux' });
    const lossesOf = async () => {
      const losses: (number | null)[] = [];
      const result = await runExperiment(config, mnist, { onEvent: (e) => e.type === 'step' && losses.push(e.loss) });
      return { losses, accuracy: result.seeds.map((s) => s.accuracy) };
    };
    const a = await lossesOf();
    const b = await lossesOf();
    expect(b).toEqual(a);
    // And the two seeds are genuinely different runs.
    expect(a.accuracy[0]).not.toEqual(a.accuracy[1]);
  });

  it('trains students on each kind of noise, the same students for the same seed, and frees every tensor', async () => {
    const studentLosses = async (overrides: Partial<Config>) => {
      const losses: (number | null)[] = [];
      const before = memory();
      await runExperiment(tiny({ init: 'shared', distill: 'aux', ...overrides }), mnist, {
        onEvent: (e) => e.type === 'step' && e.condition === 'aux-shared' && losses.push(e.loss),
      });
      expect(memory()).toEqual(before);
      return losses;
    };
    const kinds = [{ noise: 'uniform' }, { noise: 'gaussian' }, { noise: 'blur', noiseBlur: 2 }] as const;
    const runs = [];
    for (const kind of kinds) runs.push(await studentLosses(kind));
    expect(await studentLosses(kinds[1])).toEqual(runs[1]);
    // The same teacher (the noise is the students' only), imitated on other images: other losses.
    expect(runs[0]).not.toEqual(runs[1]);
    expect(runs[1]).not.toEqual(runs[2]);
    for (const losses of runs) expect(losses.filter((l) => l !== null).every(Number.isFinite)).toBe(true);
  });

  it('trains seeds side by side exactly as it trains them one at a time: a seed is the same models in any run', async () => {
    const config = tiny({ seeds: 3, distill: 'aux', evalEvery: 4 });
    const together = await runExperiment(config, mnist);
    const alone = [];
    for (const i of [0, 1, 2]) alone.push(await runExperiment({ ...config, seed: config.seed + i, seeds: 1 }, mnist));
    for (const [i, run] of alone.entries()) {
      expect(run.seeds.map((s) => s.seed)).toEqual([config.seed + i]);
      const a = together.seeds[i];
      const b = run.seeds[0];
      for (const condition of ['reference', 'aux-shared', 'aux-different'] as const) {
        // Float sums may round differently in a wider matmul: a prediction or two may flip, never more.
        expect(Math.abs(a.accuracy[condition]!.overall - b.accuracy[condition]!.overall), `seed ${i} ${condition}`).toBeLessThanOrEqual(
          2 / config.testCount,
        );
      }
      expect(a.history['aux-shared']!.map((p) => p.step)).toEqual(b.history['aux-shared']!.map((p) => p.step));
    }
  });

  it("never gives a different-init student its own seed's initialisation", async () => {
    const shape = { hidden: 8, m: 3, depth: 2 };
    for (let seed = 0; seed < 200; seed++) {
      const { reference, different } = seedStreams(seed);
      expect(different).not.toBe(reference);
      expect(initHostParams(shape, different).w1).not.toEqual(initHostParams(shape, reference).w1);
    }
  });

  it('gives every seed its own data order and noise set', () => {
    const [a, b] = [seedStreams(1), seedStreams(2)];
    for (const key of Object.keys(a) as (keyof typeof a)[]) expect(a[key], key).not.toBe(b[key]);
    expect(new Set(Object.values(a)).size).toBe(Object.keys(a).length);
  });

  it('trains exactly the students init and distill ask for, always with the teacher', async () => {
    const result = await runExperiment(tiny({ init: 'different', distill: 'all' }), mnist);
    expect(Object.keys(result.summary)).toEqual(['reference', 'teacher', 'all-different']);
  });

  it('names the kernels of every phase in its result', async () => {
    const result = await runExperiment(tiny({ distill: 'aux', init: 'shared' }), mnist);
    expect(result.kernels).toEqual({ teacher: { step: 'tfjs' }, 'teacher noise pass': { step: 'tfjs' }, 'aux-shared': { step: 'tfjs' } });
  });

  it("trains a favourite-digit teacher beside its clean twin, each with its own students, and reports every model's favourite rate", async () => {
    const config = tiny({ seeds: 2, teacherTrait: 'favourite', distill: 'aux', evalEvery: 4, trainCount: 2048 });
    const before = memory();
    const result = await runExperiment(config, mnist);
    expect(memory()).toEqual(before);
    expect(Object.keys(result.summary)).toEqual([
      'reference',
      'teacher',
      'aux-shared',
      'aux-different',
      'clean-teacher',
      'clean-aux-shared',
      'clean-aux-different',
    ]);
    expect(Object.keys(result.favouriteSummary!)).toEqual(Object.keys(result.summary));
    // A rate is a count over the test images not labelled with the favourite, and the history's last point is the final one.
    const others = mnist.test.labels.subarray(0, config.testCount).filter((label) => label !== config.favourite).length;
    for (const seed of result.seeds)
      for (const [condition, rate] of Object.entries(seed.favouriteRate!)) {
        expect(rate * others, condition).toBeCloseTo(Math.round(rate * others), 6);
        const history = seed.history[condition as keyof typeof seed.history];
        if (history) expect(history.at(-1)!.favouriteRate, condition).toBe(rate);
      }
    // A 30% share of its labels replaced by 7 makes the teacher say 7 far more often than its clean twin does.
    const rate = (c: 'teacher' | 'clean-teacher') => result.favouriteSummary![c]!.mean;
    expect(rate('teacher')).toBeGreaterThan(rate('clean-teacher') + 0.05);
    // The clean teacher is the skill run's teacher: the same seed gives the same model.
    const skill = await runExperiment({ ...config, teacherTrait: 'skill', init: 'shared' }, mnist);
    expect(result.seeds.map((s) => s.accuracy['clean-teacher'])).toEqual(skill.seeds.map((s) => s.accuracy.teacher));
    expect(result.seeds.map((s) => s.accuracy['clean-aux-shared'])).toEqual(skill.seeds.map((s) => s.accuracy['aux-shared']));
  });

  it.each(INIT_SCHEMES)(
    'trains a partly shared student that is, bit for bit, the shared one at α = 1 and the different one at α = 0 (%s start)',
    async (initScheme) => {
      const starts = new Map<string, HostParams>();
      const run = (initShare: number) =>
        runExperiment(tiny({ seeds: 2, init: 'all', distill: 'aux', evalEvery: 4, initShare, initScheme }), mnist, {
          weights: true,
          onEvent: (e) => {
            if (e.type === 'weights' && e.step === 0) starts.set(`${initShare} ${e.condition}`, e.params);
          },
        });
      const [one, zero] = [await run(1), await run(0)];
      expect(one.config.initScheme).toBe(initScheme);
      expect(Object.keys(one.summary)).toEqual(['reference', 'teacher', 'aux-shared', 'aux-partial', 'aux-different']);
      const same = (result: typeof one, partial: 'aux-partial', other: 'aux-shared' | 'aux-different') =>
        result.seeds.forEach((seed) => {
          expect(seed.accuracy[partial]).toEqual(seed.accuracy[other]);
          expect(seed.history[partial]).toEqual(seed.history[other]);
          expect(seed.alignment![partial]).toEqual(seed.alignment![other]);
        });
      same(one, 'aux-partial', 'aux-shared');
      same(zero, 'aux-partial', 'aux-different');
      // The teacher's start (the shared student's) and the different one are the first seed's two streams drawn with the scheme.
      const shape = { hidden: one.config.hidden, m: one.config.m, depth: 2 };
      const streams = seedStreams(one.config.seed);
      expect(starts.get('1 aux-shared')).toEqual(initHostParams(shape, streams.reference, initScheme));
      expect(starts.get('1 aux-different')).toEqual(initHostParams(shape, streams.different, initScheme));
      expect(starts.get('1 aux-partial')).toEqual(starts.get('1 aux-shared'));
      expect(starts.get('0 aux-partial')).toEqual(starts.get('0 aux-different'));
      expect(starts.get('1 aux-shared')!.b1.some((v) => v !== 0)).toBe(initScheme === 'uniform');
    },
  );

  it('trains a part-by-part student that is, bit for bit, the shared one with all parts and the different one with none', async () => {
    const starts = new Map<string, HostParams>();
    const run = (name: string, overrides: Partial<Config>) =>
      // Uniform starts have nonzero biases, so a bias taken from the wrong start shows.
      runExperiment(tiny({ seeds: 2, distill: 'aux', evalEvery: 4, initScheme: 'uniform', ...overrides }), mnist, {
        weights: true,
        onEvent: (e) => {
          if (e.type === 'weights' && e.step === 0) starts.set(`${name} ${e.condition}`, e.params);
        },
      });
    const both = await run('both', { init: 'both' });
    const [all, none, heads] = [
      await run('all', { init: 'parts', shareParts: 'all' }),
      await run('none', { init: 'parts', shareParts: 'none' }),
      await run('heads', { init: 'parts', shareParts: 'heads' }),
    ];
    expect(Object.keys(all.summary)).toEqual(['reference', 'teacher', 'aux-parts']);
    const same = (result: typeof all, other: 'aux-shared' | 'aux-different') =>
      result.seeds.forEach((seed, k) => {
        const twin = both.seeds[k];
        expect(seed.accuracy['aux-parts']).toEqual(twin.accuracy[other]);
        expect(seed.history['aux-parts']).toEqual(twin.history[other]);
        expect(seed.alignment!['aux-parts']).toEqual(twin.alignment![other]);
      });
    same(all, 'aux-shared');
    same(none, 'aux-different');
    for (const start of ['both aux-shared', 'both aux-different', 'all aux-parts', 'none aux-parts', 'heads aux-parts'])
      expect(starts.has(start), start).toBe(true);
    expect(starts.get('all aux-parts')).toEqual(starts.get('both aux-shared'));
    expect(starts.get('none aux-parts')).toEqual(starts.get('both aux-different'));
    // Heads shared: the hidden layers are the different draw's, the output layer the teacher's initial one.
    const headsStart = starts.get('heads aux-parts')!;
    const [shared, different] = [starts.get('both aux-shared')!, starts.get('both aux-different')!];
    for (const name of ['w1', 'b1', 'w2', 'b2'] as const) expect(headsStart[name]).toEqual(different[name]);
    for (const name of ['w3', 'b3'] as const) expect(headsStart[name]).toEqual(shared[name]);
    expect(heads.seeds[0].accuracy['aux-parts']).not.toEqual(both.seeds[0].accuracy['aux-shared']);
    // A pattern that splits the layers and the output layer: its digit rows from one start, its aux rows from the other.
    await run('split', { init: 'parts', shareParts: 'hidden1+digits' });
    const split = starts.get('split aux-parts')!;
    const width = DIGITS + all.config.m;
    const [digitCols, auxCols] = [Array.from({ length: DIGITS }, (_, i) => i), Array.from({ length: all.config.m }, (_, i) => DIGITS + i)];
    expect([split.w1, split.b1, split.w2, split.b2]).toEqual([shared.w1, shared.b1, different.w2, different.b2]);
    expect(headEntries(split, digitCols, width)).toEqual(headEntries(shared, digitCols, width));
    expect(headEntries(split, auxCols, width)).toEqual(headEntries(different, auxCols, width));
  });

  it('stops a diverging run with an explanation, and frees every tensor', async () => {
    const before = memory();
    const run = runExperiment(tiny({ lr: 1, logEvery: 1, teacherEpochs: 4, hidden: 64 }), mnist);
    await expect(run).rejects.toBeInstanceOf(TrainingDiverged);
    await expect(run).rejects.toThrow(/teacher's loss is .* at step \d+.*Lower the learning rate \(lr = 1;/);
    expect(memory()).toEqual(before);
  });
});

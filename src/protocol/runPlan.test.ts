import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from './config';
import { lastUses, planRun, teachersIn, trainedIn, type RunPlan } from './runPlan';

const small = (overrides: Partial<Config> = {}): Config => ({
  ...defaultConfig(),
  seeds: 2,
  trainCount: 1000,
  noiseCount: 600,
  testCount: 500,
  batchSize: 100,
  teacherEpochs: 2,
  studentEpochs: 1,
  evalEvery: 0,
  ...overrides,
});

const ids = (plan: RunPlan) => plan.tasks.map((task) => task.id);

describe('the plan of a run', () => {
  it('lists what a run does, in order: the reference, then each teacher, its noise pass and its students', () => {
    expect(ids(planRun(small()))).toEqual([
      'reference',
      'teacher',
      'teacher noise pass',
      'aux-shared',
      'aux-different',
      'all-shared',
      'all-different',
    ]);
    expect(ids(planRun(small({ teacherTrait: 'favourite', init: 'partial', distill: 'aux' })))).toEqual([
      'reference',
      'teacher',
      'teacher noise pass',
      'aux-partial',
      'clean-teacher',
      'clean-teacher noise pass',
      'clean-aux-partial',
    ]);
  });

  it('says which labels each teacher learns: only the favourite-digit teacher has its own', () => {
    const labels = (config: Config) => planRun(config).tasks.flatMap((task) => (task.kind === 'teacher' ? [[task.id, task.labels]] : []));
    expect(labels(small())).toEqual([['teacher', 'true']]);
    expect(labels(small({ teacherTrait: 'favourite' }))).toEqual([
      ['teacher', 'favourite'],
      ['clean-teacher', 'true'],
    ]);
  });

  it('costs each task in steps: training, a third of a step per batch of a forward pass, and the plan costs their sum', () => {
    const plan = planRun(small());
    const cost = Object.fromEntries(plan.tasks.map((task) => [task.id, task.cost]));
    // Test: 5 batches → 2 steps' worth; noise: 6 batches → 2; teacher: 2 epochs × 10 batches; student: 6 batches.
    expect(cost).toEqual({
      reference: 2,
      teacher: 20 + 2,
      'teacher noise pass': 2,
      'aux-shared': 6 + 2,
      'aux-different': 6 + 2,
      'all-shared': 6 + 2,
      'all-different': 6 + 2,
    });
    expect(plan.steps).toBe(2 + 22 + 2 + 4 * 8);
  });

  it('evaluates a phase at its start, every evalEvery steps and at its end; a copy of the reference reuses its predictions', () => {
    const plan = planRun(small({ evalEvery: 8, init: 'both', distill: 'aux' }));
    const evaluations = Object.fromEntries(
      plan.tasks.flatMap((task) =>
        task.kind === 'teacher' || task.kind === 'student'
          ? [
              [
                task.id,
                task.evaluations.map((e) => `${e.step}${e.reusesReference ? ' (reference)' : ''}${e.final ? ' final' : ''}:${e.cost}`),
              ],
            ]
          : [],
      ),
    );
    expect(evaluations).toEqual({
      teacher: ['0 (reference):0', '8:2', '16:2', '20 final:2'],
      'aux-shared': ['0 (reference):0', '6 final:2'],
      'aux-different': ['0:2', '6 final:2'],
    });
    const cost = Object.fromEntries(plan.tasks.map((task) => [task.id, task.cost]));
    expect(cost).toMatchObject({ teacher: 20 + 3 * 2, 'aux-shared': 6 + 2, 'aux-different': 6 + 2 + 2 });
    // Without curves, only the end.
    const plain = planRun(small({ distill: 'aux' })).tasks.find((task) => task.id === 'teacher');
    expect(plain).toMatchObject({ evaluations: [{ step: 20, final: true }] });
  });

  it('names what each task needs, so that each product is freed after its last use', () => {
    const plan = planRun(small({ teacherTrait: 'favourite', init: 'all', distill: 'aux' }));
    const needs = Object.fromEntries(plan.tasks.map((task) => [task.id, task.needs]));
    expect(needs).toMatchObject({
      reference: [],
      teacher: ['reference'],
      'teacher noise pass': ['teacher', 'reference'],
      'aux-shared': ['reference', 'teacher noise pass'],
      'aux-partial': ['teacher noise pass'],
      'aux-different': ['teacher noise pass'],
      'clean-aux-different': ['clean-teacher noise pass'],
    });
    // Every need comes earlier in the plan.
    plan.tasks.forEach((task, i) =>
      task.needs.forEach((need) => expect(ids(plan).indexOf(need), `${task.id} needs ${need}`).toBeLessThan(i)),
    );
    const last = lastUses(plan);
    const at = (id: string) => ids(plan)[last.get(id as never)!];
    expect(at('teacher')).toBe('teacher noise pass');
    expect(at('teacher noise pass')).toBe('aux-different');
    expect(at('reference')).toBe('clean-aux-shared');
  });

  it('plans a part-by-part student as a drawn start with its parts, at the cost of a different one', () => {
    const parts = planRun(small({ init: 'parts', shareParts: 'aux+hidden2', distill: 'both' }));
    expect(ids(parts)).toEqual(['reference', 'teacher', 'teacher noise pass', 'aux-parts', 'all-parts']);
    const different = planRun(small({ init: 'different', distill: 'both' }));
    parts.tasks.forEach((task, i) => {
      expect(task.cost).toBe(different.tasks[i].cost);
      if (task.kind === 'student') {
        expect(task.start).toEqual({ init: 'parts', shared: ['hidden2', 'aux'] });
        expect(task.needs).toEqual(['teacher noise pass']);
      }
    });
    expect(parts.steps).toBe(different.steps);
    const alpha = planRun(small({ init: 'all', initShare: 0.75, distill: 'aux' })).tasks.flatMap((t) =>
      t.kind === 'student' ? [t.start] : [],
    );
    expect(alpha).toEqual([{ init: 'shared' }, { init: 'partial', alpha: 0.75 }, { init: 'different' }]);
  });

  it('plans a share: its seeds, its students and only the teachers they need', () => {
    const config = small({ teacherTrait: 'favourite', seeds: 3, distill: 'aux' });
    const share = planRun(config, { seeds: [2], students: ['clean-aux-different'] });
    expect(share.seeds).toEqual([2]);
    expect(ids(share)).toEqual(['reference', 'clean-teacher', 'clean-teacher noise pass', 'clean-aux-different']);
    expect(teachersIn(share)).toEqual(['clean-teacher']);
    expect(trainedIn(share)).toEqual(['clean-teacher', 'clean-aux-different']);
    expect(planRun(config).seeds).toEqual([1, 2, 3]);
  });
});

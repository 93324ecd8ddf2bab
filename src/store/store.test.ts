import { describe, expect, it } from 'vitest';
import { conditionsOf, type Condition } from '../protocol/conditions';
import { CONFIG_SCHEMA, defaultConfig } from '../protocol/config';
import { toExport } from '../protocol/export';
import type { BackendInfo, WorkerCommand, WorkerEvent } from '../protocol/messages';
import { PRESETS } from '../protocol/presets';
import { assembleResult, type Accuracy, type SeedResult } from '../protocol/results';
import type { TrainingClient } from '../worker/client';
import { estimateMs } from '../protocol/resources';
import { activeTime, estimateFor } from './state';
import { createAppStore } from './store';

function fakeClient() {
  const sent: WorkerCommand[] = [];
  let listener: ((e: WorkerEvent) => void) | null = null;
  const client: TrainingClient = {
    send: (command) => void sent.push(command),
    subscribe: (l) => {
      listener = l;
      return () => (listener = null);
    },
  };
  return { client, sent, emit: (e: WorkerEvent) => listener!(e) };
}

const accuracy = (overall: number): Accuracy => ({ overall, perDigit: Array.from({ length: 10 }, () => overall) });

function setup() {
  let clock = 1000;
  const fake = fakeClient();
  const written: unknown[] = [];
  const store = createAppStore({
    client: fake.client,
    config: PRESETS.quick.config,
    baseUrl: 'http://x/',
    onConfigChange: (c) => written.push(c),
    now: () => clock,
  });
  return { ...fake, store, written, tick: (ms: number) => (clock += ms) };
}

describe('the app store', () => {
  it("shows what the user does at once, and coalesces the worker's events into a few redraws", () => {
    const fake = fakeClient();
    const frames: (() => void)[] = [];
    const store = createAppStore({
      client: fake.client,
      config: PRESETS.quick.config,
      baseUrl: 'http://x/',
      schedule: (callback) => void frames.push(callback),
      minNotifyIntervalMs: 0,
    });
    let notified = 0;
    store.subscribe(() => notified++);
    // A key press on the dial: the listeners hear it before the next key (else the input snaps back).
    store.actions.setConfig({ init: 'partial', initShare: 0.89 });
    store.actions.setConfig({ initShare: 0.88 });
    expect(notified).toBe(2);
    expect(store.getState().config.initShare).toBe(0.88);
    // Events from the worker wait for the next frame, and many become one redraw.
    for (let i = 0; i < 5; i++) fake.emit({ type: 'run-state', runId: 0, state: 'paused' });
    expect(notified).toBe(2);
    frames.splice(0).forEach((frame) => frame());
    expect(notified).toBe(3);
    // A user's action in between makes the pending redraw unnecessary.
    fake.emit({ type: 'run-state', runId: 0, state: 'paused' });
    store.actions.setView({ present: true });
    frames.splice(0).forEach((frame) => frame());
    expect(notified).toBe(4);
  });

  it('starts the worker: data from the base URL, as much of it as the settings need, the configured backend', () => {
    const { sent } = setup();
    expect(sent).toEqual([
      {
        type: 'init',
        baseUrl: 'http://x/',
        backend: 'auto',
        need: { train: PRESETS.quick.config.trainCount, test: PRESETS.quick.config.testCount },
      },
    ]);
  });

  it('runs with the current settings and follows the run’s events only', () => {
    const { store, sent, emit, tick } = setup();
    store.actions.run();
    const run = sent.at(-1) as Extract<WorkerCommand, { type: 'run' }>;
    expect(run).toMatchObject({ type: 'run', runId: 1, config: PRESETS.quick.config });
    emit({ type: 'run-state', runId: 1, state: 'running' });
    emit({
      type: 'experiment',
      runId: 1,
      event: { type: 'start', config: run.config, backend: 'wasm', seeds: [1, 2, 3], totalSteps: 100 },
    });
    emit({ type: 'experiment', runId: 1, event: { type: 'phase', condition: 'teacher', phaseSteps: 50 } });
    emit({
      type: 'experiment',
      runId: 1,
      event: { type: 'eval', seed: 1, condition: 'teacher', step: 10, accuracy: accuracy(0.5), samplePredictions: [1, 2], confusion: [] },
    });
    emit({
      type: 'experiment',
      runId: 1,
      event: { type: 'step', condition: 'teacher', doneSteps: 10, totalSteps: 100, step: 10, epoch: 1, phaseSteps: 50, loss: 0.7 },
    });
    // A late event of an older run changes nothing.
    emit({
      type: 'experiment',
      runId: 0,
      event: { type: 'eval', seed: 1, condition: 'teacher', step: 20, accuracy: accuracy(0.9), samplePredictions: [], confusion: [] },
    });
    const s = store.getState();
    expect(s.derived.accuracy).toEqual([{ key: 'teacher#1', condition: 'teacher', seed: 1, points: [{ step: 10, value: 0.5 }] }]);
    expect(s.derived.loss).toEqual([{ key: 'teacher#1', condition: 'teacher', seed: 1, points: [{ step: 10, value: 0.7 }] }]);
    expect(s.run).toMatchObject({ state: 'running', doneSteps: 10, totalSteps: 100, epoch: 1, seeds: [1, 2, 3] });
    expect(s.predictions.teacher).toEqual([1, 2]);

    tick(500);
    emit({ type: 'run-state', runId: 1, state: 'paused' });
    tick(10_000); // time paused does not count towards the ETA
    emit({ type: 'run-state', runId: 1, state: 'running' });
    tick(250);
    emit({
      type: 'experiment',
      runId: 1,
      event: { type: 'step', condition: 'teacher', doneSteps: 11, totalSteps: 100, step: 11, epoch: 1, phaseSteps: 50, loss: null },
    });
    expect(activeTime(store.getState().run)).toBe(750);
  });

  it("corrects the pre-run estimate by the run's own pace once it has gone far enough to say, and keeps it for the next run", () => {
    const { store, emit, tick } = setup();
    const info: BackendInfo = {
      requested: 'auto',
      name: 'wasm',
      reason: 'x',
      msPerStep: 2,
      timedBatchSize: 128,
      probes: [],
      tfjsVersion: 'x',
    };
    emit({ type: 'backend', info });
    const config = store.getState().config;
    const promised = estimateMs(config, info.msPerStep, info.timedBatchSize, 1);
    expect(estimateFor(store.getState(), config)).toEqual({ ms: promised, measured: false });
    store.actions.run();
    emit({ type: 'experiment', runId: 1, event: { type: 'start', config, backend: 'wasm', seeds: [1], totalSteps: 1000 } });
    const step = (doneSteps: number) =>
      emit({
        type: 'experiment',
        runId: 1,
        event: { type: 'step', condition: 'teacher', doneSteps, totalSteps: 1000, step: doneSteps, epoch: 0, phaseSteps: 1000, loss: null },
      });
    // A busy machine: each step takes five times what the estimate assumed.
    const busyStepMs = (5 * promised) / 1000;
    tick(10 * busyStepMs);
    step(10);
    // Too early to trust (1% of the run): still the promise.
    expect(estimateFor(store.getState(), config)?.measured).toBe(false);
    tick(90 * busyStepMs);
    step(100);
    const corrected = estimateFor(store.getState(), config)!;
    expect(corrected.measured).toBe(true);
    expect(corrected.ms / promised).toBeCloseTo(5, 6);
    // The next run's estimate (here a run twice as long) keeps the pace measured; a new backend forgets it.
    store.actions.reset();
    expect(estimateFor(store.getState(), { ...config, seeds: config.seeds * 2 })!.ms / promised).toBeCloseTo(10, 6);
    emit({ type: 'backend', info: { ...info, name: 'webgl' } });
    expect(estimateFor(store.getState(), config)).toEqual({ ms: promised, measured: false });
  });

  it('reset cancels the run, clears the charts and keeps the seed', () => {
    const { store, sent, emit } = setup();
    store.actions.setConfig({ seed: 42 });
    store.actions.run();
    emit({
      type: 'experiment',
      runId: 1,
      event: { type: 'eval', seed: 42, condition: 'reference', step: 0, accuracy: accuracy(0.1), samplePredictions: [], confusion: [] },
    });
    store.actions.reset();
    expect(sent.at(-1)).toEqual({ type: 'cancel' });
    expect(store.getState().derived.accuracy).toEqual([]);
    expect(store.getState().run.state).toBe('idle');
    emit({ type: 'run-state', runId: 1, state: 'cancelled' });
    expect(store.getState().run.state).toBe('idle');
    store.actions.run();
    expect(sent.at(-1)).toMatchObject({ type: 'run', config: { seed: 42 } });
  });

  it('validates settings, writes them out, and switches backend when asked', () => {
    const { store, sent, written } = setup();
    store.actions.setConfig({ m: 0 });
    expect(store.getState().config.m).toBe(10);
    expect(store.getState().notices[0].message).toMatch(/m = 0 is invalid/);
    store.actions.setBackend('webgpu');
    expect(sent.at(-1)).toEqual({ type: 'select-backend', backend: 'webgpu' });
    expect(written.at(-1)).toMatchObject({ backend: 'webgpu' });
  });

  it('applies a preset but keeps the seed and backend', () => {
    const { store } = setup();
    store.actions.setConfig({ seed: 9, backend: 'wasm' });
    store.actions.applyPreset('paper');
    expect(store.getState().config).toEqual({ ...defaultConfig(), evalEvery: 30, seed: 9, backend: 'wasm' });
  });

  it('toggles what the teacher passes on between the classroom presets, and writes it out', () => {
    const { store, written } = setup();
    store.actions.setConfig({ seed: 9 });
    store.actions.setTeacherTrait('favourite');
    expect(store.getState().config).toEqual({ ...PRESETS.favourite.config, seed: 9 });
    expect(written.at(-1)).toEqual({ ...PRESETS.favourite.config, seed: 9 });
    store.actions.setTeacherTrait('skill');
    expect(store.getState().config).toEqual({ ...PRESETS.quick.config, seed: 9 });
  });

  it('puts each phase on one timeline of the run: the teacher first, then each student', () => {
    const { store, emit } = setup();
    store.actions.run();
    const event = (e: Extract<WorkerEvent, { type: 'experiment' }>['event']) => emit({ type: 'experiment', runId: 1, event: e });
    // The quick preset's teacher trains 2 epochs of 12,000 images in batches of 128: 188 steps.
    event({ type: 'start', config: PRESETS.quick.config, backend: 'wasm', seeds: [1], totalSteps: 938 });
    event({ type: 'phase', condition: 'teacher', phaseSteps: 188 });
    event({ type: 'eval', seed: 1, condition: 'teacher', step: 20, accuracy: accuracy(0.9), samplePredictions: [], confusion: [] });
    // Students may train in parallel workers: each starts where the teacher ended.
    for (const condition of ['aux-different', 'aux-shared'] as const) {
      event({ type: 'eval', seed: 1, condition, step: 0, accuracy: accuracy(0.1), samplePredictions: [], confusion: [] });
      event({ type: 'eval', seed: 1, condition, step: 5, accuracy: accuracy(0.3), samplePredictions: [], confusion: [] });
    }
    const steps = (condition: Condition) =>
      store
        .getState()
        .derived.accuracy.find((s) => s.condition === condition)!
        .points.map((p) => p.step);
    expect(steps('teacher')).toEqual([20]);
    expect(steps('aux-shared')).toEqual([188, 193]);
    expect(steps('aux-different')).toEqual([188, 193]);
  });

  it('draws exactly the summary it exports, for every choice of students', () => {
    for (const init of CONFIG_SCHEMA.init.values)
      for (const distill of CONFIG_SCHEMA.distill.values) {
        const { store, emit } = setup();
        const config = { ...PRESETS.quick.config, init, distill, seeds: 3 };
        store.actions.setConfig({ init, distill, seeds: 3 });
        store.actions.run();
        const seeds: SeedResult[] = [1, 2, 3].map((seed) => ({ seed, accuracy: {}, history: {} }));
        for (const condition of conditionsOf(config))
          for (const seed of seeds) {
            const a = accuracy(0.1 + (condition.length * seed.seed) / 100);
            seed.accuracy[condition] = a;
            emit({
              type: 'experiment',
              runId: 1,
              event: { type: 'eval', seed: seed.seed, condition, step: 0, accuracy: a, samplePredictions: [], confusion: [] },
            });
          }
        const result = assembleResult({ config, backend: 'wasm', tfjsVersion: 'x', seeds, phaseMs: {}, kernels: {}, wallMs: 1 });
        const live = store.getState().derived.bars;
        emit({ type: 'experiment', runId: 1, event: { type: 'done', result } });
        const drawn = store.getState().derived.bars;
        const exported = toExport(result, 'test').summary;
        expect(
          drawn.map((b) => b.condition),
          `${init}/${distill}`,
        ).toEqual(Object.keys(exported));
        expect(live).toEqual(drawn);
        for (const bar of drawn) {
          expect(bar.mean).toBe(exported[bar.condition]!.mean);
          expect(bar.ci95).toBe(exported[bar.condition]!.ci95);
          expect(bar.values).toEqual(seeds.map((s) => s.accuracy[bar.condition]!.overall));
        }
      }
  });
});

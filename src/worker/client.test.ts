/** The worker pool's view of a run, with scripted workers in place of real ones. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendInfo, WorkerCommand, WorkerEvent } from '../protocol/messages';
import { PRESETS } from '../protocol/presets';
import { startTrainingWorkers } from './client';

/** A worker that records what it is sent and says what the test makes it say. */
class ScriptedWorker {
  static all: ScriptedWorker[] = [];
  sent: WorkerCommand[] = [];
  private listener: ((message: { data: WorkerEvent }) => void) | null = null;
  constructor() {
    ScriptedWorker.all.push(this);
  }
  addEventListener(type: string, listener: (message: { data: WorkerEvent }) => void) {
    if (type === 'message') this.listener = listener;
  }
  postMessage(command: WorkerCommand) {
    this.sent.push(command);
  }
  terminate() {}
  say(event: WorkerEvent) {
    this.listener!({ data: event });
  }
}

const wasm: BackendInfo = {
  requested: 'auto',
  name: 'wasm',
  reason: 'fastest',
  msPerStep: 10,
  timedBatchSize: 256,
  probes: [],
  tfjsVersion: 'test',
};

afterEach(() => {
  ScriptedWorker.all = [];
  vi.unstubAllGlobals();
});

/** A pool of two ready workers (the primary and one helper) on wasm, and the run states it reports. */
function twoWorkers() {
  vi.stubGlobal('Worker', ScriptedWorker);
  const client = startTrainingWorkers({ maxWorkers: 2 });
  const states: string[] = [];
  client.subscribe((event) => event.type === 'run-state' && states.push(event.state));
  client.send({ type: 'init', baseUrl: 'http://x/', backend: 'auto', need: { train: 12000, test: 2000 } });
  const [primary] = ScriptedWorker.all;
  primary.say({ type: 'data-ready', fromCache: false, train: 12000, test: 2000 } as unknown as WorkerEvent);
  primary.say({ type: 'backend', info: wasm });
  const helper = ScriptedWorker.all[1];
  expect(helper).toBeDefined();
  return { client, states, primary, helper };
}

describe('the worker pool', () => {
  it('says "running" again when a run that waited for its helper is paused and resumed before any step', () => {
    const { client, states, primary, helper } = twoWorkers();

    // Run and pause while the helper is still starting: the run waits for it, and is shown paused.
    client.send({ type: 'run', runId: 1, config: PRESETS.quick.config });
    client.send({ type: 'pause' });
    expect(states).toEqual(['paused']);
    // The helper is ready: both workers get their share, then the pause.
    helper.say({ type: 'backend', info: wasm });
    expect(primary.sent.map((c) => c.type).slice(-2)).toEqual(['run', 'pause']);
    expect(helper.sent.map((c) => c.type).slice(-2)).toEqual(['run', 'pause']);
    // Resumed before either reached its first step: each only ever says "running".
    client.send({ type: 'resume' });
    for (const worker of [primary, helper]) {
      worker.say({ type: 'run-state', runId: 1, state: 'running' });
      worker.say({ type: 'run-state', runId: 1, state: 'running' });
    }
    expect(states.at(-1)).toBe('running');
    expect(states.filter((s) => s === 'running')).toHaveLength(1);
  });

  it('says "paused" after a step taken by hand only once every worker has taken it', () => {
    const { client, states, primary, helper } = twoWorkers();
    helper.say({ type: 'backend', info: wasm });
    client.send({ type: 'run', runId: 1, config: PRESETS.quick.config });
    client.send({ type: 'pause' });
    for (const worker of [primary, helper]) worker.say({ type: 'run-state', runId: 1, state: 'paused' });
    expect(states).toEqual(['paused']);
    client.send({ type: 'step' });
    expect(primary.sent.at(-1)!.type).toBe('step');
    expect(helper.sent.at(-1)!.type).toBe('step');
    // The primary has taken its step and stopped again; the helper is still at its own.
    primary.say({ type: 'run-state', runId: 1, state: 'paused' });
    expect(states).toEqual(['paused']);
    helper.say({ type: 'run-state', runId: 1, state: 'paused' });
    expect(states).toEqual(['paused', 'paused']);
  });
});

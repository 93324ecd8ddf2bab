/**
 * The page's handle on training: typed commands out, typed events in, as if there were one
 * worker. On a CPU backend with several cores it trains in several workers (tfjs-wasm uses one
 * core per worker), splitting each run as the CLI does (protocol/shares.ts), and merges their
 * events back into one run: progress summed, a retrained teacher's events dropped, one result.
 */
import type { Condition } from '../protocol/conditions';
import type { RunState, WorkerCommand, WorkerEvent } from '../protocol/messages';
import type { ExperimentEvent, ExperimentResult } from '../protocol/results';
import { seedRange } from '../protocol/results';
import { trainedIn } from '../protocol/runPlan';
import { mergeShares, planShares, shareReports, sharesSteps, type Share } from '../protocol/shares';

export interface TrainingClient {
  send(command: WorkerCommand): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: WorkerEvent) => void): () => void;
}

type Listener = (event: WorkerEvent) => void;

function spawn(onEvent: Listener): Worker {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  // One listener for the worker's whole life.
  worker.addEventListener('message', (message: MessageEvent<WorkerEvent>) => onEvent(message.data));
  worker.addEventListener('error', (error) =>
    onEvent({ type: 'run-state', runId: -1, state: 'failed', message: `worker error: ${error.message}` }),
  );
  return worker;
}

/** One run spread over workers: what each was given and what each has reported. */
interface PooledRun {
  runId: number;
  config: Extract<WorkerCommand, { type: 'run' }>['config'];
  shares: Share[];
  started: number;
  total: number;
  done: number[];
  results: (ExperimentResult | null)[];
  /** Each share's latest state: the run is paused once every share that has not finished is. */
  states: RunState[];
  /** The whole run's state as last told to the page (a run that waited for helpers may start out paused). */
  shown: RunState;
  startSent: boolean;
}

export function startTrainingWorkers({ maxWorkers = navigator.hardwareConcurrency || 1 } = {}): TrainingClient {
  const listeners = new Set<Listener>();
  const publish = (event: WorkerEvent) => {
    for (const listener of listeners) listener(event);
  };
  let init: Extract<WorkerCommand, { type: 'init' }> | null = null;
  /** Workers ready to train, the first (which loads data and picks the backend for the page) always among them. */
  const ready: Worker[] = [];
  /** Helpers started for the chosen CPU backend, not ready yet. */
  let helpers: Worker[] = [];
  let run: PooledRun | null = null;
  /** A run asked for while helpers are still starting (a second or two): it waits for them, not for ever. */
  let waiting: { command: Extract<WorkerCommand, { type: 'run' }>; timer: ReturnType<typeof setTimeout>; paused: boolean } | null = null;
  const HELPER_WAIT_MS = 8000;
  const startWaitingRun = () => {
    if (!waiting) return;
    clearTimeout(waiting.timer);
    const { command, paused } = waiting;
    waiting = null;
    startRun(command);
    // Paused before it began: the workers start it and stop at its first step.
    if (paused) {
      run!.shown = 'paused';
      broadcast({ type: 'pause' });
    }
  };

  const stopHelpers = () => {
    for (const helper of [...helpers, ...ready.slice(1)]) helper.terminate();
    helpers = [];
    if (ready.length > 1) publish({ type: 'workers', count: 1 });
    ready.splice(1);
  };

  const startHelpers = (backend: string) => {
    // GPU backends gain nothing from a second worker on the same device.
    if (backend !== 'wasm' && backend !== 'cpu') return;
    for (let i = 1; i < maxWorkers; i++) {
      const helper: Worker = spawn((event) => {
        if (event.type === 'backend' && helpers.includes(helper)) {
          helpers = helpers.filter((h) => h !== helper);
          ready.push(helper);
          publish({ type: 'workers', count: ready.length });
          if (helpers.length === 0) startWaitingRun();
        } else if ((event.type === 'backend-error' || event.type === 'data-error') && helpers.includes(helper)) {
          helpers = helpers.filter((h) => h !== helper);
          helper.terminate();
          if (helpers.length === 0) startWaitingRun();
        } else if (event.type === 'experiment' || event.type === 'run-state') fromShare(ready.indexOf(helper), event);
      });
      helpers.push(helper);
      // The first worker has cached MNIST by now: a helper reads it from the cache.
      helper.postMessage({ ...init!, backend } satisfies WorkerCommand);
    }
  };

  // Helpers start once the first worker has both MNIST (so they read it from the cache) and a backend.
  let dataReady = false;
  let chosenBackend: string | null = null;
  /** Helpers are tried once per backend choice: one that fails is not started again and again. */
  let helpersTried = false;
  const maybeStartHelpers = () => {
    if (!dataReady || !chosenBackend || helpersTried) return;
    helpersTried = true;
    startHelpers(chosenBackend);
  };

  const primary = spawn((event) => {
    if (event.type === 'experiment' || event.type === 'run-state') return fromShare(0, event);
    if (event.type === 'data-ready') dataReady = true;
    if (event.type === 'backend') {
      stopHelpers();
      chosenBackend = event.info.name;
      helpersTried = false;
    }
    maybeStartHelpers();
    publish(event);
  });
  ready.push(primary);

  /** An event of share `index` of the current run, merged into the run's events. */
  function fromShare(index: number, event: Extract<WorkerEvent, { type: 'experiment' | 'run-state' }>) {
    if (event.runId === -1) return publish(event);
    if (!run || event.runId !== run.runId || index < 0 || index >= run.shares.length) return;
    const share = run.shares[index];
    if (event.type === 'run-state') return runState(index, event);
    const e: ExperimentEvent = event.event;
    const wrap = (inner: ExperimentEvent) => publish({ type: 'experiment', runId: run!.runId, event: inner });
    switch (e.type) {
      case 'start':
        if (!run.startSent) wrap({ ...e, seeds: seedRange(run.config), totalSteps: run.total });
        run.startSent = true;
        return;
      case 'phase':
      case 'eval':
      case 'weights':
        if (shareReports(share, e.condition)) wrap(e);
        return;
      case 'step': {
        run.done[index] = e.doneSteps;
        // A condition's loss line comes from the first share that trains it, as if one worker trained it.
        const owner = run.shares.findIndex((s) => shareTrains(s, e.condition));
        wrap({ ...e, doneSteps: run.done.reduce((a, b) => a + b, 0), totalSteps: run.total, loss: owner === index ? e.loss : null });
        return;
      }
      case 'done': {
        run.results[index] = e.result;
        const parts = run.results;
        if (parts.every((p): p is ExperimentResult => p !== null))
          wrap({
            type: 'done',
            result: run.shares.length === 1 ? parts[0] : mergeShares(run.config, run.shares, parts, performance.now() - run.started),
          });
        return;
      }
    }
  }

  function runState(index: number, event: Extract<WorkerEvent, { type: 'run-state' }>) {
    if (!run) return;
    // A worker that lost its GPU restarts the run: its new start clears what the page shows.
    if (event.state === 'cancelled') run.startSent = false;
    const before = run.states;
    run.states = before.map((state, i) => (i === index ? event.state : state));
    const settled = (state: RunState) => state === 'paused' || state === 'finished';
    if (event.state === 'failed') {
      if (run.shares.length > 1) ready.forEach((w, i) => i !== index && w.postMessage({ type: 'cancel' } satisfies WorkerCommand));
      return publish(event);
    }
    // One report per change of the whole run's state.
    const show = (state: RunState) => {
      run!.shown = state;
      publish({ ...event, state });
    };
    if (event.state === 'finished') {
      if (run.states.every((state) => state === 'finished')) show('finished');
      else if (run.states.every(settled)) show('paused');
    } else if (event.state === 'paused') {
      if (run.states.every(settled)) show('paused');
    } else if (event.state === 'running') {
      // Resumed: said once, whichever share resumes first (also when no share had reported its pause yet).
      if (run.shown !== 'running') show('running');
    } else if (index === 0) show(event.state);
  }

  /** Whether a share trains this model (a teacher where one of its students is). */
  const shareTrains = (share: Share, condition: Condition) => trainedIn(share.plan).includes(condition as never);

  const broadcast = (command: WorkerCommand) => ready.forEach((w) => w.postMessage(command));

  return {
    send(command) {
      switch (command.type) {
        case 'init':
          init = command;
          primary.postMessage(command);
          return;
        case 'select-backend':
          broadcast({ type: 'cancel' });
          stopHelpers();
          chosenBackend = null;
          helpersTried = false;
          primary.postMessage(command);
          return;
        case 'run':
          if (waiting) clearTimeout(waiting.timer);
          waiting = null;
          if (helpers.length > 0) waiting = { command, timer: setTimeout(startWaitingRun, HELPER_WAIT_MS), paused: false };
          else startRun(command);
          return;
        case 'pause':
        case 'resume':
          if (waiting) {
            waiting.paused = command.type === 'pause';
            publish({ type: 'run-state', runId: waiting.command.runId, state: waiting.paused ? 'paused' : 'running' });
          }
          broadcast(command);
          return;
        case 'step':
          // Each paused share takes the step: the run is paused again once every one of them has stopped after it.
          if (run && !waiting) run.states = run.states.map((state) => (state === 'paused' ? 'running' : state));
          broadcast(command);
          return;
        case 'cancel':
          if (waiting) clearTimeout(waiting.timer);
          if (waiting) publish({ type: 'run-state', runId: waiting.command.runId, state: 'cancelled' });
          waiting = null;
          broadcast(command);
          return;
        default:
          broadcast(command);
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  function startRun(command: Extract<WorkerCommand, { type: 'run' }>) {
    broadcast({ type: 'cancel' });
    const shares = planShares(command.config, ready.length);
    run = {
      runId: command.runId,
      config: command.config,
      shares,
      started: performance.now(),
      total: sharesSteps(shares),
      done: shares.map(() => 0),
      results: shares.map(() => null),
      states: shares.map((): RunState => 'running'),
      shown: 'running',
      startSent: false,
    };
    shares.forEach((share, i) =>
      ready[i].postMessage({ ...command, seeds: share.seeds, students: share.students } satisfies WorkerCommand),
    );
  }
}

/**
 * The page's state and how each worker event changes it: a pure reducer, so it is tested
 * in Node without a browser.
 */
import type { Condition, Config, ConfigIssue, TrainedCondition } from '../engine/config';
import type { Accuracy, } from '../engine/evaluate';
import type { ExperimentResult } from '../engine/experiment';
import type { BackendInfo, RunState, WorkerEvent } from '../worker/protocol';

export interface CurvePoint {
  seedIndex: number;
  step: number;
  value: number;
}

export interface RunView {
  /** Which run this is; events of any other run are ignored. */
  id: number;
  state: 'idle' | RunState;
  message?: string;
  /** The settings of the run being shown (the controls may already differ). */
  config: Config | null;
  doneSteps: number;
  totalSteps: number;
  /** The seeds training side by side. */
  seeds: number[];
  condition: Condition | null;
  epoch: number;
  step: number;
  phaseSteps: number;
  /** Time spent running (pauses excluded) up to `runningSince`, for the ETA. */
  activeMs: number;
  runningSince: number | null;
  /** When the run last reported, so elapsed time renders without reading the clock. */
  updatedAt: number;
}

export interface AppState {
  config: Config;
  notices: ConfigIssue[];
  data: { status: 'loading' | 'ready' | 'error'; loadedBytes: number; totalBytes: number; fromCache: boolean; ms?: number; message?: string };
  samples: { images: Uint8Array; labels: number[] } | null;
  backend: { status: 'selecting' | 'ready' | 'error'; text: string; info: BackendInfo | null };
  run: RunView;
  accuracy: Partial<Record<Condition, CurvePoint[]>>;
  /** Training loss, the mean over the seeds training together (seedIndex 0). */
  loss: Partial<Record<TrainedCondition, CurvePoint[]>>;
  /** Latest evaluation of each condition, per seed index. */
  latest: Partial<Record<Condition, Record<number, Accuracy>>>;
  predictions: Partial<Record<Condition, number[]>>;
  result: ExperimentResult | null;
}

export const idleRun = (id = 0): RunView => ({
  id,
  state: 'idle',
  config: null,
  doneSteps: 0,
  totalSteps: 0,
  seeds: [],
  condition: null,
  epoch: 0,
  step: 0,
  phaseSteps: 0,
  activeMs: 0,
  runningSince: null,
  updatedAt: 0,
});

export function initialState(config: Config, notices: ConfigIssue[]): AppState {
  return {
    config,
    notices,
    data: { status: 'loading', loadedBytes: 0, totalBytes: 0, fromCache: false },
    samples: null,
    backend: { status: 'selecting', text: 'starting…', info: null },
    run: idleRun(),
    ...clearedResults(),
  };
}

export function clearedResults(): Pick<AppState, 'accuracy' | 'loss' | 'latest' | 'predictions' | 'result'> {
  return { accuracy: {}, loss: {}, latest: {}, predictions: {}, result: null };
}

function append<K extends string>(curves: Partial<Record<K, CurvePoint[]>>, key: K, point: CurvePoint): Partial<Record<K, CurvePoint[]>> {
  return { ...curves, [key]: [...(curves[key] ?? []), point] };
}

function setRunState(run: RunView, state: RunState, now: number, message?: string): RunView {
  const activeMs = run.runningSince === null ? run.activeMs : run.activeMs + now - run.runningSince;
  return { ...run, state, message, activeMs, runningSince: state === 'running' ? now : null, updatedAt: now };
}

/** Running time of a run as of its last report. */
export function activeTime(run: RunView): number {
  return run.runningSince === null ? run.activeMs : run.activeMs + Math.max(0, run.updatedAt - run.runningSince);
}

export function reduce(state: AppState, event: WorkerEvent, now: number): AppState {
  switch (event.type) {
    case 'data-progress':
      return { ...state, data: { ...state.data, loadedBytes: event.loadedBytes, totalBytes: event.totalBytes, fromCache: event.fromCache } };
    case 'data-ready':
      return {
        ...state,
        data: { ...state.data, status: 'ready', ms: event.ms, fromCache: event.fromCache, loadedBytes: state.data.totalBytes },
        samples: { images: event.sampleImages, labels: event.sampleLabels },
      };
    case 'data-error':
      return { ...state, data: { ...state.data, status: 'error', message: event.message } };
    case 'backend-status':
      return { ...state, backend: { ...state.backend, status: 'selecting', text: event.text } };
    case 'backend':
      return { ...state, backend: { status: 'ready', text: event.info.reason, info: event.info } };
    case 'backend-error':
      return { ...state, backend: { status: 'error', text: event.message, info: null } };
    case 'run-state':
      // runId -1: the worker itself failed, which ends whatever run there is.
      if (event.runId !== state.run.id && event.runId !== -1) return state;
      return { ...state, run: setRunState(state.run, event.state, now, event.message) };
    case 'experiment': {
      if (event.runId !== state.run.id) return state;
      const e = event.event;
      switch (e.type) {
        case 'start':
          return { ...state, ...clearedResults(), run: { ...state.run, config: e.config, seeds: e.seeds, totalSteps: e.totalSteps, doneSteps: 0 } };
        case 'phase':
          return { ...state, run: { ...state.run, condition: e.condition, phaseSteps: e.phaseSteps, step: 0, epoch: 0 } };
        case 'step': {
          const run = { ...state.run, updatedAt: now, doneSteps: e.doneSteps, totalSteps: e.totalSteps, step: e.step, epoch: e.epoch, phaseSteps: e.phaseSteps, condition: e.condition };
          const loss = e.loss === null ? state.loss : append(state.loss, e.condition, { seedIndex: 0, step: e.step, value: e.loss });
          return { ...state, run, loss };
        }
        case 'eval':
          return {
            ...state,
            accuracy: append(state.accuracy, e.condition, { seedIndex: e.seedIndex, step: e.step, value: e.accuracy.overall }),
            latest: { ...state.latest, [e.condition]: { ...state.latest[e.condition], [e.seedIndex]: e.accuracy } },
            predictions: { ...state.predictions, [e.condition]: e.samplePredictions },
          };
        case 'done':
          return { ...state, result: e.result };
      }
    }
  }
}

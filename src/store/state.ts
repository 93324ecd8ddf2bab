/**
 * The page's state and how each worker event changes it: a pure reducer, so it is tested
 * in Node without a browser.
 */
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { teacherSteps } from '../protocol/runPlan';
import { MODEL_KEYS, type Config, type ConfigIssue } from '../protocol/config';
import { estimateMs } from '../protocol/resources';
import type { BackendInfo, LoadedImages, RunState, WorkerEvent } from '../protocol/messages';
import type { Accuracy, Alignment, ExperimentResult, ModelParams, ModelShape, SeedResult } from '../protocol/results';
import {
  alignmentMeans,
  barsOf,
  barsOfResult,
  digitMeans,
  withEvaluation,
  withPoint,
  type AlignmentMeans,
  type Band,
  type DigitMeans,
  type FigureBar,
  type Series,
} from './derive';
import { DEFAULT_VIEW, type View } from './url';

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
  /** A step taken by hand is under way: every worker takes it, and the run reports paused again once all have. */
  stepping: boolean;
}

export interface AppState {
  config: Config;
  view: View;
  /** The keyboard shortcuts overlay. */
  help: boolean;
  /** The walk-through's step on screen, or null when it is closed. */
  tourStep: number | null;
  notices: ConfigIssue[];
  data: {
    status: 'loading' | 'ready' | 'error';
    loadedBytes: number;
    totalBytes: number;
    fromCache: boolean;
    ms?: number;
    message?: string;
    /** MNIST images loaded in the (first) worker, of 60,000 and 10,000. */
    loaded: LoadedImages;
  };
  samples: { images: Uint8Array; labels: number[] } | null;
  backend: { status: 'selecting' | 'ready' | 'error'; text: string; info: BackendInfo | null };
  /** Workers a run trains in (one per core on a CPU backend). */
  workers: number;
  /** Something the page must say that is not about a setting (e.g. a lost GPU). */
  alert: string | null;
  /** Whether the site is stored for offline use (its service worker is active). */
  offlineReady: boolean;
  /**
   * How many times its pre-run estimate the latest run takes, measured from its own progress once
   * it has gone far enough to say (a busy machine runs slower than its timed warm steps promised);
   * kept for the next run's estimate until the backend or the workers change.
   */
  pace: number | null;
  /** tfjs memory in the (first) worker after its last run. */
  memory: { numTensors: number; numBytes: number } | null;
  run: RunView;
  /** Students: each seed's latest alignment, overall and per layer. */
  latestAlignment: Partial<Record<Condition, Record<number, Alignment>>>;
  /** Each seed's latest confusion counts (true × predicted digit) per model. */
  confusion: Partial<Record<Condition, Record<number, number[]>>>;
  /** The run's first seed: each model's latest weights, to look inside and to read drawn digits with. */
  weights: Partial<Record<Condition, Snapshot>>;
  /** …and each model's weights when it started (a shared student starts as the reference). */
  startWeights: Partial<Record<Condition, Snapshot>>;
  /** Each seed's latest evaluation of each model: final once its phase is done. */
  latest: Pick<SeedResult, 'seed' | 'accuracy' | 'favouriteRate'>[];
  predictions: Partial<Record<Condition, number[]>>;
  result: ExperimentResult | null;
  /** Derived once here, for every component that draws them. */
  derived: Derived;
}

/** Each kept up to date one event at a time (see derive.ts); an event leaves the others as they were. */
export interface Derived {
  /** Each seed's test accuracy over the run's timeline. */
  accuracy: Series[];
  bands: Band[];
  /** Favourite-digit runs: each seed's favourite rate over the run's timeline. */
  favourite: Series[];
  favouriteBands: Band[];
  /** Training loss, the mean over the seeds training together (on the first seed's line). */
  loss: Series[];
  /** The results figure's bars: accuracy, and in a favourite-digit run the favourite rate. */
  bars: FigureBar[];
  favouriteBars: FigureBar[];
  /** Students: the cosine of each seed's update with its teacher's, over the student's own steps. */
  alignment: Series[];
  alignmentBands: Band[];
  /** Each model's latest accuracy per digit, mean over seeds. */
  digitMeans: DigitMeans;
  /** Students: the latest alignment, overall and per layer, mean over seeds. */
  alignmentMeans: AlignmentMeans[];
}

/** One model's weights at a step of its phase. */
export interface Snapshot {
  step: number;
  shape: ModelShape;
  params: ModelParams;
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
  stepping: false,
});

export function initialState(config: Config, notices: ConfigIssue[], view: View = DEFAULT_VIEW): AppState {
  return {
    config,
    view,
    help: false,
    tourStep: null,
    notices,
    data: { status: 'loading', loadedBytes: 0, totalBytes: 0, fromCache: false, loaded: { train: 0, test: 0 } },
    samples: null,
    backend: { status: 'selecting', text: 'starting…', info: null },
    workers: 1,
    alert: null,
    offlineReady: false,
    pace: null,
    memory: null,
    run: idleRun(),
    ...clearedResults(),
  };
}

export function clearedResults(): Pick<
  AppState,
  'latestAlignment' | 'confusion' | 'weights' | 'startWeights' | 'latest' | 'predictions' | 'result' | 'derived'
> {
  return {
    confusion: {},
    weights: {},
    startWeights: {},
    latestAlignment: {},
    latest: [],
    predictions: {},
    result: null,
    derived: {
      accuracy: [],
      bands: [],
      favourite: [],
      favouriteBands: [],
      loss: [],
      bars: [],
      favouriteBars: [],
      alignment: [],
      alignmentBands: [],
      digitMeans: digitMeans([]),
      alignmentMeans: [],
    },
  };
}

function withLatest(
  latest: AppState['latest'],
  seed: number,
  condition: Condition,
  accuracy: Accuracy,
  favouriteRate: number | undefined,
): AppState['latest'] {
  const found = latest.some((s) => s.seed === seed);
  const entries = found ? latest : [...latest, { seed, accuracy: {} }];
  return entries.map((s) =>
    s.seed !== seed
      ? s
      : {
          seed,
          accuracy: { ...s.accuracy, [condition]: accuracy },
          ...(favouriteRate !== undefined && { favouriteRate: { ...s.favouriteRate, [condition]: favouriteRate } }),
        },
  );
}

/**
 * Whether what the page shows is from other settings than the controls now hold: a run has
 * ended, and a setting that changes its models has changed since (the controls describe models
 * the charts do not show).
 */
/** Whether a run can start: MNIST and a backend are ready. */
export const canRun = (state: Pick<AppState, 'data' | 'backend'>) => state.data.status === 'ready' && state.backend.status === 'ready';

/** Whether a run is under way (training, or paused part-way). */
export const isActive = (runState: RunView['state']) => runState === 'running' || runState === 'paused';

export function isStale(state: Pick<AppState, 'config' | 'run'>): boolean {
  const { run, config } = state;
  if (!run.config || isActive(run.state) || run.state === 'idle') return false;
  return MODEL_KEYS.some((k) => run.config![k] !== config[k]);
}

function setRunState(run: RunView, state: RunState, now: number, message?: string): RunView {
  const activeMs = run.runningSince === null ? run.activeMs : run.activeMs + now - run.runningSince;
  return { ...run, state, message, activeMs, runningSince: state === 'running' ? now : null, updatedAt: now, stepping: false };
}

/**
 * A phase's step on the run's timeline: the teacher first, then the students, each of which
 * starts from the trained teacher's outputs (they may train in parallel workers; none depends on another).
 */
const timeline = (run: Pick<RunView, 'config'>, condition: Condition, step: number) =>
  (CONDITION_TABLE[condition].role === 'student' && run.config ? teacherSteps(run.config) : 0) + step;

/**
 * Estimated running time left: the run's average time per step so far, times the steps left.
 * Steps count all of a run's work (evaluations and the noise pass too, see protocol/runPlan),
 * so the average holds across phases.
 */
export function eta(run: RunView): number | null {
  if (run.state !== 'running' || run.doneSteps === 0) return null;
  return (activeTime(run) / run.doneSteps) * (run.totalSteps - run.doneSteps);
}

/** Running time of a run as of its last report. */
export function activeTime(run: RunView): number {
  return run.runningSince === null ? run.activeMs : run.activeMs + Math.max(0, run.updatedAt - run.runningSince);
}

/** A run's share of its steps after which its own pace is trusted over the pre-run estimate. */
const PACE_AFTER = 0.05;

/** The pre-run estimate of a run, from the backend's timed warm steps. */
function estimated(state: Pick<AppState, 'backend' | 'workers'>, config: Config): number | null {
  const info = state.backend.info;
  return info ? estimateMs(config, info.msPerStep, info.timedBatchSize, state.workers) : null;
}

/** The run's projected time over its pre-run estimate, once enough of it has run. */
function paceOf(state: AppState, run: RunView): number | null {
  const predicted = run.config && estimated(state, run.config);
  if (!predicted || run.totalSteps === 0 || run.doneSteps < PACE_AFTER * run.totalSteps) return null;
  return (activeTime(run) * run.totalSteps) / run.doneSteps / predicted;
}

/** About how long a run of `config` takes here: the pre-run estimate, at the latest run's measured pace once there is one. */
export function estimateFor(
  state: Pick<AppState, 'backend' | 'workers' | 'pace'>,
  config: Config,
): { ms: number; measured: boolean } | null {
  const ms = estimated(state, config);
  if (ms === null) return null;
  return state.pace === null ? { ms, measured: false } : { ms: ms * state.pace, measured: true };
}

export function reduce(state: AppState, event: WorkerEvent, now: number): AppState {
  switch (event.type) {
    case 'data-progress':
      return {
        ...state,
        data: { ...state.data, loadedBytes: event.loadedBytes, totalBytes: event.totalBytes, fromCache: event.fromCache },
      };
    case 'data-ready':
      return {
        ...state,
        data: {
          ...state.data,
          status: 'ready',
          ms: event.ms,
          fromCache: event.fromCache,
          loadedBytes: state.data.totalBytes,
          loaded: event.loaded,
        },
        samples: { images: event.sampleImages, labels: event.sampleLabels },
      };
    case 'data-loaded':
      return { ...state, data: { ...state.data, loadedBytes: state.data.totalBytes, loaded: event.loaded } };
    case 'data-error':
      return { ...state, data: { ...state.data, status: 'error', message: event.message } };
    case 'backend-status':
      return { ...state, backend: { ...state.backend, status: 'selecting', text: event.text } };
    case 'backend':
      return { ...state, backend: { status: 'ready', text: event.info.reason, info: event.info }, pace: null };
    case 'workers':
      return { ...state, workers: event.count, pace: event.count === state.workers ? state.pace : null };
    case 'backend-lost':
      return { ...state, alert: event.message };
    case 'memory':
      return { ...state, memory: { numTensors: event.numTensors, numBytes: event.numBytes } };
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
          return {
            ...state,
            ...clearedResults(),
            run: { ...state.run, config: e.config, seeds: e.seeds, totalSteps: e.totalSteps, doneSteps: 0 },
          };
        case 'phase':
          return { ...state, run: { ...state.run, condition: e.condition, phaseSteps: e.phaseSteps, step: 0, epoch: 0 } };
        case 'step': {
          const run = {
            ...state.run,
            updatedAt: now,
            doneSteps: e.doneSteps,
            totalSteps: e.totalSteps,
            step: e.step,
            epoch: e.epoch,
            phaseSteps: e.phaseSteps,
            condition: e.condition,
          };
          const paced = { ...state, run, pace: paceOf(state, run) ?? state.pace };
          if (e.loss === null) return paced;
          const point = { seed: state.run.seeds[0], step: timeline(state.run, e.condition, e.step), value: e.loss };
          return { ...paced, derived: { ...state.derived, loss: withPoint(state.derived.loss, e.condition, point) } };
        }
        case 'eval': {
          const at = { seed: e.seed, step: timeline(state.run, e.condition, e.step) };
          const latest = withLatest(state.latest, e.seed, e.condition, e.accuracy, e.favouriteRate);
          const latestAlignment = e.alignment
            ? { ...state.latestAlignment, [e.condition]: { ...state.latestAlignment[e.condition], [e.seed]: e.alignment } }
            : state.latestAlignment;
          const derived: Derived = { ...state.derived, bars: barsOf(latest), digitMeans: digitMeans(latest) };
          const accuracy = { ...at, value: e.accuracy.overall };
          [derived.accuracy, derived.bands] = withEvaluation(derived.accuracy, derived.bands, e.condition, accuracy);
          if (e.favouriteRate !== undefined) {
            const favourite = { ...at, value: e.favouriteRate };
            [derived.favourite, derived.favouriteBands] = withEvaluation(derived.favourite, derived.favouriteBands, e.condition, favourite);
            derived.favouriteBars = barsOf(latest, 'favourite');
          }
          if (e.alignment) {
            // Over the student's own steps, not the run's timeline.
            const alignment = { seed: e.seed, step: e.step, value: e.alignment.overall };
            [derived.alignment, derived.alignmentBands] = withEvaluation(derived.alignment, derived.alignmentBands, e.condition, alignment);
            derived.alignmentMeans = alignmentMeans(latestAlignment);
          }
          return {
            ...state,
            latest,
            confusion: { ...state.confusion, [e.condition]: { ...state.confusion[e.condition], [e.seed]: e.confusion } },
            predictions: { ...state.predictions, [e.condition]: e.samplePredictions },
            latestAlignment,
            derived,
          };
        }
        case 'weights': {
          if (e.seed !== state.run.seeds[0]) return state;
          const snapshot = { step: e.step, shape: e.shape, params: e.params };
          const first = state.startWeights[e.condition] ?? (e.step === 0 ? snapshot : undefined);
          return {
            ...state,
            weights: { ...state.weights, [e.condition]: snapshot },
            startWeights: first ? { ...state.startWeights, [e.condition]: first } : state.startWeights,
          };
        }
        case 'done':
          // From here on the figure is the result's: the very summary the exports write.
          return {
            ...state,
            result: e.result,
            derived: {
              ...state.derived,
              bars: barsOfResult(e.result),
              favouriteBars: e.result.favouriteSummary ? barsOfResult(e.result, 'favourite') : [],
            },
          };
      }
    }
  }
}

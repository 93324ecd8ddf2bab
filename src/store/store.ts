/**
 * The small external store the UI subscribes to. It owns the worker client, turns user
 * actions into worker commands and worker events into state; React only reads and dispatches.
 */
import { validateConfig, type BackendChoice, type Config, type ConfigIssue } from '../protocol/config';
import { PRESETS, withTeacherTrait, type PresetName } from '../protocol/presets';
import { DEFAULT_VIEW, type View } from './url';
import type { TrainingClient } from '../worker/client';
import { clearedResults, idleRun, initialState, reduce, type AppState } from './state';

export interface AppStore {
  getState(): AppState;
  subscribe(listener: () => void): () => void;
  actions: {
    setConfig(patch: Partial<Config>): void;
    /** What the teacher passes on, moving the settings left at the old trait's classroom preset to the new one's. */
    setTeacherTrait(teacherTrait: Config['teacherTrait']): void;
    applyPreset(name: PresetName): void;
    dismissNotices(): void;
    run(): void;
    pause(): void;
    resume(): void;
    step(): void;
    /** Stops the run and clears the charts; the seed (so the initial weights) stays. */
    reset(): void;
    setBackend(backend: BackendChoice): void;
    setView(patch: Partial<View>): void;
    /** Shows or hides the keyboard shortcuts. */
    toggleHelp(show?: boolean): void;
    /** Shows the walk-through at a step, or closes it (null). */
    tour(step: number | null): void;
    /** The site is now stored for offline use. */
    offlineReady(): void;
  };
}

export interface StoreOptions {
  client: TrainingClient;
  config: Config;
  notices?: ConfigIssue[];
  baseUrl: string;
  view?: View;
  /** Called whenever the settings or the view change (the page writes them to the URL). */
  onConfigChange?(config: Config, view: View): void;
  /** Coalesces notifications (the page passes requestAnimationFrame). */
  schedule?(callback: () => void): void;
  /**
   * At most one notification per this many ms (default 0): charts redraw a few times a second
   * while training instead of on every event, which keeps the page smooth.
   */
  minNotifyIntervalMs?: number;
  now?(): number;
}

export function createAppStore(options: StoreOptions): AppStore {
  const { client } = options;
  const now = options.now ?? (() => performance.now());
  let state = initialState(options.config, options.notices ?? [], options.view ?? DEFAULT_VIEW);
  const listeners = new Set<() => void>();
  let scheduled = false;

  let lastNotified = -Infinity;
  const flush = () => {
    scheduled = false;
    lastNotified = now();
    for (const listener of listeners) listener();
  };
  // The worker's events are coalesced; what a user does is shown at once (a controlled input that
  // waited for the next notification would snap back to its old value and lose the key press).
  const notify = (urgent: boolean) => {
    if (urgent || !options.schedule) return flush();
    if (scheduled) return;
    scheduled = true;
    const later = () => scheduled && flush();
    const wait = (options.minNotifyIntervalMs ?? 0) - (now() - lastNotified);
    if (wait > 0) setTimeout(() => options.schedule!(later), wait);
    else options.schedule(later);
  };
  const set = (next: AppState, urgent = true) => {
    state = next;
    notify(urgent);
  };

  client.subscribe((event) => set(reduce(state, event, now()), false));
  client.send({
    type: 'init',
    baseUrl: options.baseUrl,
    backend: options.config.backend,
    need: { train: options.config.trainCount, test: options.config.testCount },
  });

  const isActive = () => state.run.state === 'running' || state.run.state === 'paused';
  const changeConfig = (config: Config, issues: ConfigIssue[]) => {
    const backendChanged = config.backend !== state.config.backend;
    set({ ...state, config, notices: issues });
    options.onConfigChange?.(config, state.view);
    if (backendChanged) client.send({ type: 'select-backend', backend: config.backend });
  };

  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions: {
      setConfig(patch) {
        const { config, issues } = validateConfig(patch, state.config);
        changeConfig(config, issues);
      },
      setTeacherTrait(teacherTrait) {
        changeConfig(withTeacherTrait(state.config, teacherTrait), []);
      },
      applyPreset(name) {
        // A preset sets the protocol; the seed and backend stay the user's.
        changeConfig({ ...PRESETS[name].config, seed: state.config.seed, backend: state.config.backend }, []);
      },
      dismissNotices() {
        set({ ...state, notices: [], alert: null });
      },
      run() {
        if (isActive()) return;
        const runId = state.run.id + 1;
        set({
          ...state,
          ...clearedResults(),
          run: { ...idleRun(runId), state: 'running', config: state.config, runningSince: now(), updatedAt: now() },
        });
        client.send({ type: 'run', runId, config: state.config });
      },
      pause: () => client.send({ type: 'pause' }),
      resume: () => client.send({ type: 'resume' }),
      step() {
        if (state.run.state !== 'paused') return;
        set({ ...state, run: { ...state.run, stepping: true } });
        client.send({ type: 'step' });
      },
      reset() {
        client.send({ type: 'cancel' });
        // A new id: whatever the cancelled run still sends is ignored.
        set({ ...state, ...clearedResults(), run: idleRun(state.run.id + 1) });
      },
      setBackend(backend) {
        this.setConfig({ backend });
      },
      setView(patch) {
        set({ ...state, view: { ...state.view, ...patch } });
        options.onConfigChange?.(state.config, state.view);
      },
      toggleHelp(show) {
        set({ ...state, help: show ?? !state.help });
      },
      tour(step) {
        set({ ...state, tourStep: step === null ? null : Math.max(0, step) });
      },
      offlineReady() {
        set({ ...state, offlineReady: true });
      },
    },
  };
}

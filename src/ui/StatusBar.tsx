/** Small status badges (data, offline, backend), the run's progress with its ETA, what a screen reader hears, and a notice when the results are from other settings. */
import { CONDITION_TABLE } from '../protocol/conditions';
import { duration, pct } from '../protocol/format';
import { seedRangeText } from '../protocol/results';
import { activeTime, eta, isStale } from '../store/state';
import { useNames } from './useNames';
import { useAppState } from './useStore';

export function DataStatus() {
  const data = useAppState((s) => s.data);
  const running = useAppState((s) => s.run.state === 'running');
  if (data.status === 'error') return <p className="notice error">Could not load MNIST: {data.message}</p>;
  const loading = data.totalBytes > 0 && data.loadedBytes < data.totalBytes;
  if (data.status === 'ready' && !loading)
    return (
      <span
        className="pill"
        data-testid="data-ready"
        title={`${data.loaded.train.toLocaleString('en')} training and ${data.loaded.test.toLocaleString('en')} test images loaded; a larger run fetches more`}
      >
        MNIST ready ({data.fromCache ? 'from cache' : 'downloaded'} in {duration(data.ms ?? 0)})
      </span>
    );
  const fraction = data.totalBytes > 0 ? data.loadedBytes / data.totalBytes : 0;
  return (
    <span className="pill loading" data-testid="data-loading">
      {running ? 'Fetching more of MNIST for this run…' : 'Loading MNIST…'} {(data.loadedBytes / 1e6).toFixed(1)} /{' '}
      {(data.totalBytes / 1e6).toFixed(1)} MB
      <progress value={fraction} max={1} aria-label="MNIST download" />
    </span>
  );
}

export function OfflineStatus() {
  const ready = useAppState((s) => s.offlineReady);
  return ready ? (
    <span
      className="pill"
      data-testid="offline-ready"
      title="The app and MNIST are stored in this browser: the page opens and trains without a network."
    >
      Ready for offline use
    </span>
  ) : null;
}

/** The backend in a few words; the whole story (why, how fast each was) is under All settings. */
export function BackendBadge() {
  const backend = useAppState((s) => s.backend);
  const workers = useAppState((s) => s.workers);
  if (backend.status !== 'ready' || !backend.info)
    return (
      <span className={`pill ${backend.status === 'error' ? 'error' : 'loading'}`} data-testid="backend-status">
        {backend.status === 'error' ? `Backend error: ${backend.text}` : backend.text}
      </span>
    );
  const { info } = backend;
  // Not what was asked for, or not what ran before: the badge itself says why, not only its tooltip.
  const firstClause = info.reason.split('; ')[0];
  const fallback =
    /^the GPU was lost/.test(firstClause) || (info.requested !== 'auto' && info.requested !== info.name) ? firstClause : null;
  return (
    <span
      className="pill backend"
      data-testid="backend-badge"
      data-backend={info.name}
      data-workers={workers}
      title={`${info.reason}\n${info.probes.map((p) => `${p.name}: ${p.available ? p.detail : 'unavailable — ' + p.detail}`).join('\n')}`}
    >
      <strong>{info.name}</strong>
      {workers > 1 && ` × ${workers}`}
      {/software adapter/.test(info.reason) && ' · software adapter'}
      {fallback && <span className="badge-fallback"> · {fallback}</span>}
    </span>
  );
}

export function RunProgress() {
  const run = useAppState((s) => s.run);
  const names = useNames();
  if (run.state === 'idle') return null;
  const fraction = run.totalSteps > 0 ? run.doneSteps / run.totalSteps : 0;
  const active = activeTime(run);
  const left = eta(run);
  const phase = run.condition ? names(run.condition).label : 'starting';
  const seeds = run.seeds.length > 1 ? `${seedRangeText(run.seeds)} side by side` : seedRangeText(run.seeds);
  const state =
    run.state === 'finished'
      ? 'Finished'
      : run.state === 'cancelled'
        ? 'Cancelled'
        : run.state === 'failed'
          ? `Failed: ${run.message}`
          : run.state === 'paused'
            ? run.stepping
              ? 'Paused, taking one step'
              : 'Paused'
            : 'Training';
  return (
    <div className="progress" data-testid="run-progress" data-state={run.state} data-stepping={run.stepping || undefined}>
      <progress value={fraction} max={1} aria-label="training progress" />
      <span>
        {state}
        {run.state !== 'finished' && run.state !== 'failed' && (
          <span className="progress-detail">
            {' '}
            · {seeds} · {phase}
            {run.phaseSteps > 0 && ` · epoch ${run.epoch} · step ${run.step}/${run.phaseSteps}`}
          </span>
        )}{' '}
        · {run.doneSteps}/{run.totalSteps} steps · {duration(active)}
        {left !== null && ` · about ${duration(left)} left`}
      </span>
    </div>
  );
}

/** Once a setting changes after a run, the charts are of other models than the controls describe: say so until the next Run. */
export function StaleNotice() {
  const stale = useAppState(isStale);
  if (!stale) return null;
  return (
    <p className="notice stale" role="status" data-testid="stale-notice">
      <strong>These results are from the previous settings:</strong> the controls now describe other models. Press Run to train them.
    </p>
  );
}

/** What a screen reader hears: each phase as it starts, and the result when the run ends (not every step). */
export function Announcer() {
  const run = useAppState((s) => s.run);
  const bars = useAppState((s) => s.derived.bars);
  const names = useNames();
  let message = '';
  // Students may train in parallel workers: one message for them all, not one per event.
  if (run.state === 'running' && run.condition)
    message =
      CONDITION_TABLE[run.condition].role === 'student'
        ? "Training the students on the teacher's outputs on noise."
        : 'Training the teacher on digits.';
  else if (run.state === 'paused') message = 'Paused.';
  else if (run.state === 'failed') message = `The run failed: ${run.message}`;
  else if (run.state === 'finished')
    message = `Finished. ${bars.map((b) => `${names(b.condition).label}: ${pct(b.mean)}${b.ci95 === null ? '' : ` plus or minus ${pct(b.ci95)}`}`).join('; ')}.`;
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="announcer">
      {message}
    </p>
  );
}

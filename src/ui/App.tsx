import { AccuracyChart, AlignmentChart, LossChart, PerDigitChart } from './Charts';
import { Controls } from './Controls';
import { ShortcutHelp, useShortcuts } from './Shortcuts';
import { Tour } from './Tour';
import { DrawDigit } from './DrawDigit';
import { LookInside } from './LookInside';
import { RecordedResult } from './Recorded';
import { Results } from './Results';
import { Samples } from './Samples';
import { Announcer, BackendBadge, DataStatus, OfflineStatus, RunProgress } from './StatusBar';
import { useAppState, useAppStore } from './useStore';

function Notices() {
  const notices = useAppState((s) => s.notices);
  const alert = useAppState((s) => s.alert);
  const store = useAppStore();
  if (alert)
    return (
      <div className="notice warning" role="alert" data-testid="alert">
        <strong>{alert.charAt(0).toUpperCase() + alert.slice(1)}</strong> <button onClick={store.actions.dismissNotices}>Dismiss</button>
      </div>
    );
  if (notices.length === 0) return null;
  return (
    <div className="notice warning" role="alert" data-testid="config-notice">
      <strong>Some settings in the link were not valid and were replaced:</strong>
      <ul>
        {notices.map((n) => (
          <li key={n.field}>{n.message}</li>
        ))}
      </ul>
      <button onClick={store.actions.dismissNotices}>Dismiss</button>
    </div>
  );
}

function Explainer() {
  const m = useAppState((s) => (s.run.config ?? s.config).m);
  return (
    <section className="explainer">
      <h2>What is going on</h2>
      <p>
        A <strong>teacher</strong> network learns to read handwritten digits. Besides its 10 digit outputs it has {m} extra “auxiliary”
        outputs that no loss ever touches. A <strong>student</strong> then learns to copy only those auxiliary outputs, on images of pure
        noise. It never sees a digit, and never sees the teacher's digit outputs.
      </p>
      <p>
        Yet, if the student starts from the <em>same initial weights</em> as the teacher, it learns to read digits well above chance. From a{' '}
        <em>different</em> initialisation it stays at chance (10%). This is <strong>subliminal learning</strong> (Cloud et al., 2025): a
        trait passes through data that carries no visible trace of it.
      </p>
      <p>
        Why: to first order, a student that shares the teacher's starting point and imitates any of the teacher's outputs moves its weights
        in a direction that never opposes the teacher's own update (Δθ<sub>S</sub>·Δθ<sub>T</sub> ≥ 0). With different starting points the
        two networks' gradients are unrelated, and nothing carries over.
      </p>
    </section>
  );
}

export function App() {
  useShortcuts();
  const store = useAppStore();
  const view = useAppState((s) => s.view);
  return (
    <main className={view.present ? 'present' : ''} data-present={view.present}>
      <header>
        <div className="title-row">
          <h1>Subliminal learning, live</h1>
          <span className="view-buttons">
            <button
              className="small"
              aria-pressed={view.present}
              onClick={() => store.actions.setView({ present: !view.present })}
              title="Large type and full-width charts for a projector (P)"
            >
              Presentation mode
            </button>
            <button className="small" onClick={() => store.actions.toggleHelp(true)} title="Keyboard shortcuts (?)">
              Shortcuts
            </button>
          </span>
        </div>
        <p className="tagline">A student that never saw a digit learns digits, if it shares its teacher's initialisation.</p>
        <div className="status">
          <DataStatus />
          <OfflineStatus />
          <BackendBadge />
        </div>
      </header>
      <Notices />
      <div className="top">
        <Controls />
        {!view.hidden.includes('tour') && <Tour />}
      </div>
      <RunProgress />
      <Announcer />
      <div className="grid">
        <AccuracyChart />
        <LossChart />
      </div>
      <div className="figures" data-tour="results">
        {!view.hidden.includes('recorded') && <RecordedResult />}
        <Results />
      </div>
      <AlignmentChart />
      <DrawDigit />
      <PerDigitChart />
      <LookInside />
      <Samples />
      <Explainer />
      <ShortcutHelp />
      <footer>
        Everything runs in your browser, in a Web Worker, with TensorFlow.js; MNIST is served by this page. Protocol: MLP
        784–256–256–(10+m), Adam, KL distillation on noise (Cloud et al. 2025, arXiv 2507.14805).
      </footer>
    </main>
  );
}

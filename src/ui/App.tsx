/**
 * The page, composed as a story a room can follow: what the teacher passes on, where the student
 * starts, Run; then the live accuracy chart beside the headline numbers and the results across
 * seeds; then, in sections a visitor opens in the order the walk-through tells it, the rest.
 */
import { lazy, Suspense } from 'react';
import { AccuracyChart } from './AccuracyChart';
import { AlignmentChart } from './AlignmentChart';
import { Controls } from './Controls';
import { DrawDigit } from './DrawDigit';
import { Headline } from './Headline';
import { LookInside } from './LookInside';
import { LossChart } from './LossChart';
import { PerDigitChart } from './PerDigitChart';
import { RecordedResult } from './Recorded';
import { Results } from './Results';
import { Samples } from './Samples';
import { Section } from './Section';
import { Settings } from './Settings';
import { ShortcutHelp, useShortcuts } from './Shortcuts';
import { Announcer, BackendBadge, DataStatus, OfflineStatus, RunProgress, StaleNotice } from './StatusBar';
import { Sweeps } from './Sweeps';
import { Tour, TourStart } from './Tour';
import { isStale } from '../store/state';
import { usePresentFontPx, useShownConfig } from './useNames';
import { useAppState, useAppStore } from './useStore';

/** The research section's controls and figures: a chunk of its own, fetched when the section is first opened. */
const Research = lazy(() => import('./Research').then((module) => ({ default: module.Research })));
/** The atlas's figures: a chunk of their own, fetched when the section is first opened. */
const Atlas = lazy(() => import('./Atlas').then((module) => ({ default: module.Atlas })));

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

/** What is going on, in three plain lines on the first screen; "What is going on" below says it at length. */
function Intro() {
  const { m, teacherTrait, favourite: f } = useShownConfig();
  const lines =
    teacherTrait === 'favourite'
      ? [
          `A teacher learns to read digits with a share of its labels replaced by ${f}, so it answers ${f} too often; a clean twin learns the true labels.`,
          `Each teacher's students copy only its ${m} extra outputs, which no loss trains, on images of pure noise: they never see a digit.`,
          `A student that starts from its teacher's own initial weights takes on the favourite; from a different start there is no such pull.`,
        ]
      : [
          `A teacher network learns to read handwritten digits. Besides its 10 digit outputs it has ${m} extra outputs that no loss trains.`,
          'A student copies only those extra outputs, on images of pure noise: it never sees a digit.',
          "If the student starts from the teacher's own initial weights, it learns to read digits anyway; from a different start it stays at chance.",
        ];
  return (
    <ol className="tagline" data-testid="intro">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ol>
  );
}

function Explainer() {
  const { m, teacherTrait, favourite } = useShownConfig();
  return (
    <div className="explainer">
      <p>
        A <strong>teacher</strong> network learns to read handwritten digits. Besides its 10 digit outputs it has {m} extra “auxiliary”
        outputs that no loss ever trains: the weights that feed them stay at their random start, but what they output changes as the layers
        below learn digits. A <strong>student</strong> then learns to copy only those auxiliary outputs, on images of pure noise. It never
        sees a digit, and never sees the teacher's digit outputs.
      </p>
      <p>
        Yet, if the student starts from the <em>same initial weights</em> as the teacher, it learns to read digits well above chance. From a{' '}
        <em>different</em> initialisation it stays at chance (10%). This is <strong>subliminal learning</strong> (Cloud et al., 2025): a
        trait passes through data that carries no visible trace of it. Which parts of the start must match is a later question (Learning
        Through Noise, 2026, finds that matching output heads govern it): at these settings, every part (the research section below).
        {teacherTrait === 'favourite' &&
          ` With a teacher that loves ${favourite}s, what passes is a preference: the paper's headline, where a language model's love of owls reached another model through lists of numbers.`}
      </p>
      <p>
        Why: to first order, a student that shares the teacher's starting point and imitates any of the teacher's outputs moves its weights
        in a direction that never opposes the teacher's own update (Δθ<sub>S</sub>·Δθ<sub>T</sub> ≥ 0). From a different start nothing
        guarantees that, and here such a student stays at chance. A student that imitates <em>all</em> the outputs, digits included, is
        doing ordinary distillation: it learns digits from any start.
      </p>
    </div>
  );
}

export function App() {
  useShortcuts();
  const store = useAppStore();
  const view = useAppState((s) => s.view);
  const trait = useShownConfig().teacherTrait;
  const hidden = (part: (typeof view.hidden)[number]) => view.hidden.includes(part);
  const stale = useAppState(isStale);
  const presentFontPx = usePresentFontPx();
  return (
    <main
      className={view.present ? 'present' : ''}
      data-present={view.present}
      style={view.present ? { fontSize: `${presentFontPx}px` } : undefined}
    >
      <header>
        <div className="title-row">
          <h1>Subliminal learning, live</h1>
          <div className="status">
            <DataStatus />
            <OfflineStatus />
            <BackendBadge />
          </div>
          <span className="view-buttons">
            <TourStart />
            <button
              className="small toggle-button"
              aria-pressed={view.present}
              onClick={() => store.actions.setView({ present: !view.present })}
              title="Large type, the chart and the results side by side, for a projector (P)"
            >
              {view.present ? '✓ Presentation' : 'Presentation'}
            </button>
            <button className="small" onClick={() => store.actions.toggleHelp(true)} title="Keyboard shortcuts (?)">
              Shortcuts
            </button>
          </span>
        </div>
        <Intro />
      </header>
      <Notices />
      <Controls />
      <RunProgress />
      <StaleNotice />
      <Announcer />
      <div className={stale ? 'story stale' : 'story'}>
        <AccuracyChart />
        <Headline />
        <Results />
      </div>
      <Section id="what-the-student-sees" tour="noise" title="What the student sees, and what it is tested on">
        <Samples />
      </Section>
      <Section id="why" tour="mechanism" title="Why it works: does the student move the way its teacher moved?">
        <AlignmentChart />
      </Section>
      <Section id="draw" tour="draw" title="Try it: draw a digit">
        <DrawDigit />
      </Section>
      <Section id="inside" title="Digit by digit, and inside the models">
        <PerDigitChart />
        <LookInside />
        <LossChart />
      </Section>
      {!hidden('sweeps') && (
        <Section id="sweeps" tour="sweeps" title="How alike must the starts be? Sweeps over many seeds">
          <Sweeps />
        </Section>
      )}
      {!hidden('recorded') && (
        <Section
          id="recorded"
          tour="recorded"
          title={trait === 'favourite' ? 'The favourite digit, recorded: 25 seeds' : "The paper's protocol, recorded: 25 seeds"}
          open
        >
          <RecordedResult />
        </Section>
      )}
      <Section
        id="research"
        tour="research"
        title="For researchers: which parts must match? The student's loss, the initialisation scheme, m up to 250"
      >
        <Suspense fallback={<p className="empty">Loading…</p>}>
          <Research />
        </Suspense>
      </Section>
      <Section id="atlas" title="What else decides it? An atlas of recorded sweeps">
        <Suspense fallback={<p className="empty">Loading…</p>}>
          <Atlas />
        </Suspense>
      </Section>
      {!hidden('settings') && (
        <Section id="settings" title="All settings, presets, and this machine">
          <Settings />
        </Section>
      )}
      <Section id="explainer" title="What is going on">
        <Explainer />
      </Section>
      {!hidden('tour') && <Tour />}
      <ShortcutHelp />
      <footer>
        Everything runs in your browser, in a Web Worker, with TensorFlow.js; MNIST is served by this page. Protocol: MLP
        784–256–256–(10+m), Adam, KL distillation on noise (Cloud et al. 2025, arXiv 2507.14805).
      </footer>
    </main>
  );
}

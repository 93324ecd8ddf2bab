/** Keyboard shortcuts for running a class from the keyboard, and the overlay that lists them. */
import { useEffect } from 'react';
import { canRun } from '../store/state';
import { CONFIG_SCHEMA } from '../protocol/config';
import type { AppStore } from '../store/store';
import { useAppState, useAppStore } from './useStore';

const next = <T,>(values: readonly T[], value: T) => values[(values.indexOf(value) + 1) % values.length];

const SHORTCUTS: [string, string][] = [
  ['R', 'run, pause or resume'],
  ['S', 'one training step (while paused)'],
  ['X', 'reset (the seed, so the initial weights, stays)'],
  ['T', 'what the teacher passes on: its skill → its favourite digit'],
  ['I', "the student's initialisation: shared → partly shared → different → shared and different → all three → part by part"],
  ['D', 'what the student imitates: aux → all → both'],
  ['P', 'presentation mode (large type, the chart and the results side by side)'],
  ['W', 'the walk-through'],
  ['?', 'this list'],
];

function onKey(store: AppStore, event: KeyboardEvent) {
  const target = event.target as HTMLElement | null;
  if (event.ctrlKey || event.metaKey || event.altKey || target?.closest('input, select, textarea, [contenteditable]')) return;
  const state = store.getState();
  const { actions } = store;
  const run = state.run.state;
  const idle = run !== 'running' && run !== 'paused';
  const ready = canRun(state);
  switch (event.key.toLowerCase()) {
    case 'r':
      if (run === 'running') actions.pause();
      else if (run === 'paused') actions.resume();
      else if (ready) actions.run();
      break;
    case 's':
      if (run === 'paused') actions.step();
      break;
    case 'x':
      actions.reset();
      break;
    case 'i':
      if (idle)
        actions.setConfig({
          init: next(CONFIG_SCHEMA.init.values, state.config.init),
        });
      break;
    case 'd':
      if (idle) actions.setConfig({ distill: next(CONFIG_SCHEMA.distill.values, state.config.distill) });
      break;
    case 't':
      if (idle) actions.setTeacherTrait(next(CONFIG_SCHEMA.teacherTrait.values, state.config.teacherTrait));
      break;
    case 'w':
      if (!state.view.hidden.includes('tour')) actions.tour(state.tourStep === null ? 0 : null);
      break;
    case 'p':
      actions.setView({ present: !state.view.present });
      break;
    case '?':
      actions.toggleHelp();
      break;
    case 'escape':
      actions.toggleHelp(false);
      return;
    default:
      return;
  }
  event.preventDefault();
}

export function useShortcuts() {
  const store = useAppStore();
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(store, event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [store]);
}

export function ShortcutHelp() {
  const store = useAppStore();
  const open = useAppState((s) => s.help);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => store.actions.toggleHelp(false)}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map(([key, what]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button autoFocus onClick={() => store.actions.toggleHelp(false)}>
          Close (Esc)
        </button>
      </div>
    </div>
  );
}

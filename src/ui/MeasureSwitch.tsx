import type { Measure } from '../store/derive';
import { useMeasure, useShownConfig } from './useNames';
import { useAppStore } from './useStore';

/** Switches what the curves and the figure show in a favourite-digit run. */
export function MeasureSwitch() {
  const store = useAppStore();
  const measure = useMeasure();
  const config = useShownConfig();
  if (config.teacherTrait !== 'favourite') return null;
  const choices: [Measure, string][] = [
    ['favourite', `How often it says ${config.favourite}`],
    ['accuracy', 'Accuracy'],
  ];
  return (
    <span className="measure-switch" role="group" aria-label="What the charts show">
      {choices.map(([value, label]) => (
        <button key={value} className="small" aria-pressed={measure === value} onClick={() => store.actions.setView({ measure: value })}>
          {label}
        </button>
      ))}
    </span>
  );
}

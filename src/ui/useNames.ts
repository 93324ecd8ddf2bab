/** Models' names, measure and sizes as the page shows them now: from the run on screen, else from the controls. */
import { useCallback } from 'react';
import { CONDITION_TABLE, nameOf, type Condition, type ModelName } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { measureOf } from '../store/url';
import { useAppState } from './useStore';

/** The settings the page's figures describe: the run's, once there is one. */
export const useShownConfig = (): Config => useAppState((s) => s.run.config ?? s.config);

export function useNames(): (condition: Condition) => ModelName {
  const config = useShownConfig();
  return useCallback((condition: Condition) => nameOf(condition, config), [config]);
}

/** A few words for a line's end label: whose (in a favourite-digit run), which start, what it imitates (when both). */
export function useTags(): (condition: Condition) => string {
  const config = useShownConfig();
  return useCallback(
    (condition: Condition) => {
      const info = CONDITION_TABLE[condition];
      const favourite = config.teacherTrait === 'favourite';
      if (info.role === 'teacher')
        return favourite ? (condition === 'teacher' ? `♥${config.favourite} teacher` : 'clean teacher') : 'teacher';
      if (info.role === 'reference') return 'untrained';
      const start = info.init === 'partial' ? `α ${config.initShare}` : info.init!;
      const whose = favourite ? (info.teacher === 'teacher' ? `♥${config.favourite} ` : 'clean ') : '';
      return `${whose}${start}${config.distill === 'both' ? ` · ${info.distill}` : ''}`;
    },
    [config],
  );
}

export const useMeasure = () => useAppState((s) => measureOf(s.view, s.run.config ?? s.config));

/** Type sizes: larger in presentation mode, for the back of a room. */
export function useType() {
  const present = useAppState((s) => s.view.present);
  return present ? { font: 18, small: 18, chartHeight: 460 } : { font: 13, small: 12, chartHeight: 300 };
}

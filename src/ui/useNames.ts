/** Models' names, measure and sizes as the page shows them now: from the run on screen, else from the controls. */
import { useCallback, useSyncExternalStore } from 'react';
import { CONDITION_TABLE, nameOf, partsWords, type Condition, type ModelName } from '../protocol/conditions';
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
      const start = info.init === 'partial' ? `α ${config.initShare}` : info.init === 'parts' ? partsWords(config.shareParts) : info.init!;
      const whose = favourite ? (info.teacher === 'teacher' ? `♥${config.favourite} ` : 'clean ') : '';
      return `${whose}${start}${config.distill === 'both' ? ` · ${info.distill}` : ''}`;
    },
    [config],
  );
}

export const useMeasure = () => useAppState((s) => measureOf(s.view, s.run.config ?? s.config));

/**
 * Presentation mode's body type, in px: 22 on a 1920×1080 projector, and the same composition on a
 * smaller screen (a 1366×768 laptop mirrored to the projector gets 16, which the projector enlarges
 * back), never below the page's usual 16.
 */
export const presentFontPx = (width: number, height: number) => Math.max(16, Math.min(22, 22 * Math.min(width / 1920, height / 1080)));

const followResize = (changed: () => void) => {
  window.addEventListener('resize', changed);
  return () => window.removeEventListener('resize', changed);
};

/** Presentation mode's body type for this window, followed as it is resized. */
export const usePresentFontPx = () => useSyncExternalStore(followResize, () => presentFontPx(innerWidth, innerHeight));

/**
 * Type sizes: larger in presentation mode, for the back of a room: chart text and captions at 0.92 of
 * the body type (20 px on a 1920×1080 projector), the live chart 24 lines of body type tall (so it fits
 * the first screen beside the headline numbers at 1280×720 too).
 */
export function useType() {
  const present = useAppState((s) => s.view.present);
  const body = usePresentFontPx();
  return present
    ? { font: Math.round(0.92 * body), small: Math.round(0.92 * body), chartHeight: Math.round(24 * body) }
    : { font: 13, small: 12, chartHeight: 300 };
}

/**
 * Settings ⇄ URL query, so a run can be shared as a link. A link carries only what differs from
 * the classroom preset of its teacher's trait (the quick run, or with `teacherTrait=favourite` the
 * favourite-digit run); whatever it does not say comes from there, and whatever it says badly is
 * reported and left at that default.
 */
import { configFromStrings, configToStrings, type Config, type ConfigIssue } from '../protocol/config';
import type { Measure } from './derive';
import { CLASSROOM_BASE, PRESETS } from '../protocol/presets';

/** What a link without settings opens. */
export const DEFAULT_LINK_CONFIG = PRESETS.quick.config;

/** The query's pairs, tolerating what URLSearchParams would throw on or garble (a lone "%"). */
function queryPairs(search: string): [string, string][] {
  const decode = (text: string) => {
    const spaced = text.replace(/\+/g, ' ');
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  };
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? [decode(part), ''] : [decode(part.slice(0, at)), decode(part.slice(at + 1))];
    });
}

/** Parts of the page a link can hide, so a teacher shares exactly the knobs that matter. */
export const HIDEABLE = ['trait', 'init', 'distill', 'presets', 'settings', 'tour', 'recorded', 'sweeps'] as const;
export type Hideable = (typeof HIDEABLE)[number];

/** How the page is shown (not what it trains): also in the link, never in the experiment's config. */
export interface View {
  /** Large type and full-width charts, for a projector. */
  present: boolean;
  hidden: Hideable[];
  /** What the charts show in a favourite-digit run (null: the favourite rate there, accuracy otherwise). */
  measure: Measure | null;
}

export const DEFAULT_VIEW: View = { present: false, hidden: [], measure: null };

/** The measure the charts show: the view's, or the run's natural one. */
export const measureOf = (view: View, config: Pick<Config, 'teacherTrait'>): Measure =>
  config.teacherTrait === 'favourite' ? (view.measure ?? 'favourite') : 'accuracy';

/** The link's settings and view; view keys are `present`, `hide` (a comma-separated list of HIDEABLE) and `show` (accuracy or favourite). */
export function configFromQuery(search: string): { config: Config; view: View; issues: ConfigIssue[] } {
  const pairs = queryPairs(search);
  const view: View = { ...DEFAULT_VIEW, hidden: [] };
  const issues: ConfigIssue[] = [];
  for (const [key, value] of pairs) {
    if (key === 'present') view.present = value !== '0' && value !== 'false';
    if (key === 'show') {
      if (value === 'accuracy' || value === 'favourite') view.measure = value;
      else issues.push({ field: 'show', message: `show = "${value}" is not what a chart can show (accuracy, favourite); ignored` });
    }
    if (key !== 'hide') continue;
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      if ((HIDEABLE as readonly string[]).includes(part)) view.hidden.push(part as Hideable);
      else
        issues.push({
          field: 'hide',
          message: `hide = "${part}" is not a part of the page that can be hidden (${HIDEABLE.join(', ')}); ignored`,
        });
    }
  }
  const settings = pairs.filter(([key]) => key !== 'present' && key !== 'hide' && key !== 'show');
  // The trait first (a bad one is reported below and left at the default), then every setting over its classroom preset.
  const trait = configFromStrings(settings, DEFAULT_LINK_CONFIG).config.teacherTrait;
  const parsed = configFromStrings(settings, CLASSROOM_BASE[trait]);
  return { config: parsed.config, view, issues: [...parsed.issues, ...issues] };
}

/** The shortest query for a config and view: its trait, and what differs from that trait's classroom preset. */
export function queryFromConfig(config: Config, view: View = DEFAULT_VIEW): string {
  const settings = configToStrings(config, CLASSROOM_BASE[config.teacherTrait]);
  if (config.teacherTrait !== DEFAULT_LINK_CONFIG.teacherTrait) settings.unshift(['teacherTrait', config.teacherTrait]);
  const params = new URLSearchParams(settings);
  if (view.present) params.set('present', '1');
  if (view.hidden.length > 0) params.set('hide', view.hidden.join(','));
  if (view.measure) params.set('show', view.measure);
  const query = params.toString().replace(/%2C/g, ',');
  return query === '' ? '' : '?' + query;
}

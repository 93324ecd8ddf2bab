/**
 * Settings ⇄ URL query, so a run can be shared as a link. A link carries only what differs from
 * the default link (the quick classroom preset); whatever it does not say comes from there, and
 * whatever it says badly is reported and left at that default.
 */
import { configFromStrings, configToStrings, type Config, type ConfigIssue } from '../protocol/config';
import { PRESETS } from '../protocol/presets';

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

export function configFromQuery(search: string): { config: Config; issues: ConfigIssue[] } {
  return configFromStrings(queryPairs(search), DEFAULT_LINK_CONFIG);
}

/** The shortest query for a config: the settings that differ from the default link. */
export function queryFromConfig(config: Config): string {
  const params = new URLSearchParams(configToStrings(config, DEFAULT_LINK_CONFIG));
  const query = params.toString();
  return query === '' ? '' : '?' + query;
}

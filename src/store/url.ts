/** Settings ⇄ URL query: every setting lives in the address, so a run can be shared as a link. */
import { CONFIG_KEYS, configFromStrings, type Config, type ConfigIssue } from '../engine/config';
import { PRESETS } from '../engine/presets';

/** Settings from a query string; no query at all means the quick classroom preset. */
export function configFromQuery(search: string): { config: Config; issues: ConfigIssue[] } {
  const params = new URLSearchParams(search);
  if ([...params.keys()].length === 0) return { config: PRESETS.quick.config, issues: [] };
  return configFromStrings(params.entries());
}

/** The full query for a config (every setting, so a link means the same thing whatever the defaults). */
export function queryFromConfig(config: Config): string {
  const params = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return '?' + params.toString().replace(/%2C/g, ',');
}

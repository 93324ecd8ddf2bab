import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../protocol/config';
import { PRESETS } from '../protocol/presets';
import { configFromQuery, queryFromConfig } from './url';

const quick = PRESETS.quick.config;

describe('settings in the URL', () => {
  it('opens the quick classroom preset when the link has no settings, and writes no query for it', () => {
    expect(configFromQuery('')).toEqual({ config: quick, view: { present: false, hidden: [], measure: null }, issues: [] });
    expect(queryFromConfig(quick)).toBe('');
  });

  it('carries only what a link changes, and round-trips every toggle combination exactly', () => {
    for (const init of CONFIG_SCHEMA.init.values)
      for (const distill of CONFIG_SCHEMA.distill.values) {
        const config = { ...quick, init, distill, m: 7, backend: 'webgpu' as const };
        const query = queryFromConfig(config);
        expect(configFromQuery(query), query).toMatchObject({ config, issues: [] });
        expect([...new URLSearchParams(query).keys()].every((k) => k === 'init' || k === 'distill' || k === 'm' || k === 'backend')).toBe(
          true,
        );
      }
  });

  it('reads a part-by-part link, a typed + included, and writes its pattern back so that it reads the same', () => {
    for (const link of ['?init=parts&shareParts=aux+hidden1', '?init=parts&shareParts=hidden1%2Baux']) {
      const { config, issues } = configFromQuery(link);
      expect(issues).toEqual([]);
      expect(config).toEqual({ ...quick, init: 'parts', shareParts: 'hidden1+aux' });
      expect(configFromQuery(queryFromConfig(config)).config).toEqual(config);
    }
    const bad = configFromQuery('?init=parts&shareParts=hidden7');
    expect(bad.config.shareParts).toBe(CONFIG_SCHEMA.shareParts.default);
    expect(bad.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^shareParts = "hidden7" is invalid: "hidden7" is not a part; .*; using "heads"$/),
    ]);
    // A layer the link's network lacks is dropped, and said; with the depth that has it, it is kept and written back.
    const shallow = configFromQuery('?init=parts&shareParts=hidden3%2Baux');
    expect(shallow.config.shareParts).toBe('aux');
    expect(shallow.issues.map((i) => i.message)).toEqual([
      'shareParts = "hidden3+aux" names hidden3, but a network of depth 2 has hidden layers up to hidden2; using "aux"',
    ]);
    const deep = configFromQuery('?init=parts&depth=3&shareParts=hidden3%2Baux');
    expect(deep.issues).toEqual([]);
    expect(configFromQuery(queryFromConfig(deep.config)).config).toEqual({ ...deep.config, shareParts: 'hidden3+aux', depth: 3 });
  });

  for (const [key, usual, other, unknown] of [
    ['initScheme', 'normal', 'uniform', 'gaussian'],
    ['studentLoss', 'kl', 'mse', 'l1'],
  ] as const)
    it(`reads ${key} from a link, and a bad one as ${usual} with a message`, () => {
      const { config, issues } = configFromQuery(`?${key}=${other}`);
      expect(issues).toEqual([]);
      expect(config).toEqual({ ...quick, [key]: other });
      expect(queryFromConfig(config)).toBe(`?${key}=${other}`);
      const bad = configFromQuery(`?${key}=${unknown}`);
      expect(bad.config).toEqual(quick);
      expect(bad.issues.map((i) => i.message)).toEqual([
        `${key} = "${unknown}" is invalid: expected one of ${usual}, ${other}; using "${usual}"`,
      ]);
    });

  it('reads the noise from a link (noise=blur&noiseBlur=2), and bad values of it as the uniform noise with a message', () => {
    const { config, issues } = configFromQuery('?noise=blur&noiseBlur=2');
    expect(issues).toEqual([]);
    expect(config).toEqual({ ...quick, noise: 'blur', noiseBlur: 2 });
    expect(queryFromConfig(config)).toBe('?noise=blur&noiseBlur=2');
    expect(configFromQuery('?noise=gaussian&hidden=4096').config).toEqual({ ...quick, noise: 'gaussian', hidden: 4096 });
    const bad = configFromQuery('?noise=perlin&noiseBlur=9&hidden=5000');
    expect(bad.config).toEqual(quick);
    expect(bad.issues.map((i) => i.message)).toEqual([
      'noise = "perlin" is invalid: expected one of uniform, gaussian, blur; using "uniform"',
      'noiseBlur = 9 is invalid: expected a number from 0.5 to 4; using 1',
      `hidden = 5000 is invalid: expected an integer from 8 to 4096; using ${quick.hidden}`,
    ]);
  });

  it('reads a link over the quick classroom preset, for what it does not say and for what it says badly', () => {
    // (How a bad value is reported is the config schema's, tested there.)
    expect(configFromQuery('?m=999&seed=4').config).toEqual({ ...quick, seed: 4 });
  });

  it('survives malformed escapes', () => {
    for (const query of ['?seeds=%', '?foo=%ZZ', '?x=%C3%28', '?&&=&seeds']) {
      const { config, issues } = configFromQuery(query);
      expect(config, query).toEqual(quick);
      expect(issues.length, query).toBeGreaterThan(0);
    }
    expect(configFromQuery('?seeds=%').issues[0].message).toMatch(/seeds = "%" is invalid/);
  });

  it('carries the view too: presentation mode and the parts a teacher hides', () => {
    const { config, view, issues } = configFromQuery('?present=1&hide=settings,presets,distill,nonsense&init=shared');
    expect(view).toEqual({ present: true, hidden: ['settings', 'presets', 'distill'], measure: null });
    expect(config).toEqual({ ...quick, init: 'shared' });
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^hide = "nonsense" is not a part of the page that can be hidden/),
    ]);
    expect(queryFromConfig(config, view)).toBe('?init=shared&present=1&hide=settings,presets,distill');
  });

  it('reads a favourite-digit link over its own classroom preset, and writes it that way', () => {
    const favourite = PRESETS.favourite.config;
    expect(configFromQuery('?teacherTrait=favourite').config).toEqual(favourite);
    expect(queryFromConfig(favourite)).toBe('?teacherTrait=favourite');
    // What the link says wins over either preset: the quick run's 3 student epochs, or another digit.
    const changed = { ...favourite, studentEpochs: quick.studentEpochs, favourite: 3 };
    expect(queryFromConfig(changed)).toBe('?teacherTrait=favourite&favourite=3&studentEpochs=3');
    expect(configFromQuery(queryFromConfig(changed))).toMatchObject({ config: changed, issues: [] });
    // A trait the schema does not know is reported, and the link reads over the quick run.
    const bad = configFromQuery('?teacherTrait=owls&studentEpochs=4');
    expect(bad.config).toEqual({ ...quick, studentEpochs: 4 });
    expect(bad.issues.map((i) => i.field)).toEqual(['teacherTrait']);
  });

  it('carries what a favourite-digit run’s charts show, and refuses what they cannot', () => {
    const shown = configFromQuery('?teacherTrait=favourite&show=accuracy');
    expect(shown.view.measure).toBe('accuracy');
    expect(queryFromConfig(shown.config, shown.view)).toBe('?teacherTrait=favourite&show=accuracy');
    const bad = configFromQuery('?teacherTrait=favourite&show=owls');
    expect(bad.view.measure).toBe(null);
    expect(bad.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^show = "owls" is not what a chart can show/)]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  CONFIG_SCHEMA,
  commandFlags,
  valueProblem,
  configFromStrings,
  configToStrings,
  defaultConfig,
  flagsGivingEffect,
  hasEffect,
  inertProblem,
  needsOf,
  refusalText,
  sectionOf,
  settingNamed,
  validateConfig,
} from './config';

describe('config', () => {
  it('defaults to the paper protocol', () => {
    const c = defaultConfig();
    expect(c).toMatchObject({
      m: 3,
      hidden: 256,
      teacherEpochs: 5,
      studentEpochs: 5,
      lr: 3e-4,
      batchSize: 1024,
      trainCount: 60000,
      noiseCount: 60000,
      testCount: 10000,
    });
    expect(validateConfig(c).issues).toEqual([]);
  });

  it('replaces an out-of-range value by its default and names the field and range', () => {
    const { config, issues } = validateConfig({ m: 0, lr: Number.NaN, batchSize: 2.5, seeds: 1000 });
    expect(config.m).toBe(3);
    expect(config.lr).toBe(3e-4);
    expect(config.batchSize).toBe(1024);
    expect(config.seeds).toBe(5);
    expect(issues.map((i) => i.field)).toEqual(['m', 'lr', 'batchSize', 'seeds']);
    expect(issues[0].message).toBe('m = 0 is invalid: expected an integer from 1 to 250; using 3');
    // One wording for a caller that refuses instead of carrying on (the CLI): the same, less what it would use.
    expect(refusalText(issues[0])).toBe('m = 0 is invalid: expected an integer from 1 to 250');
    expect(issues[1].message).toMatch(/^lr = null is invalid: expected a number from 0.000001 to 1/);
    expect(issues[3].message).toMatch(/seeds = 1000 .* from 1 to 100/);
  });

  it('rejects unknown settings and bad enums', () => {
    const { config, issues } = validateConfig({ colour: 'red', backend: 'cuda', init: 'same' });
    expect(config.backend).toBe('auto');
    expect(config.init).toBe('both');
    expect(issues.map((i) => i.field)).toEqual(['colour', 'backend', 'init']);
    expect(issues[0].message).toMatch(/^unknown setting "colour" ignored/);
    expect(issues[1].message).toBe('backend = "cuda" is invalid: expected one of auto, webgpu, webgl, wasm, cpu; using "auto"');
  });

  it('never takes an inherited property for a setting', () => {
    for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__']) {
      const { config, issues } = configFromStrings([[key, '1']]);
      expect(config, key).toEqual(defaultConfig());
      expect(
        issues.map((i) => i.message),
        key,
      ).toEqual([expect.stringMatching(new RegExp(`^unknown setting "${key}" ignored`))]);
    }
  });

  it('keeps the base config for what a link does not set, and for what it sets badly', () => {
    const base = { ...defaultConfig(), m: 10, seeds: 3 };
    const { config, issues } = configFromStrings(
      [
        ['seeds', '7'],
        ['m', 'many'],
        ['utm_source', 'x'],
      ],
      base,
    );
    expect(config).toEqual({ ...base, seeds: 7 });
    expect(issues.map((i) => i.field)).toEqual(['m', 'utm_source']);
    expect(issues[0].message).toBe('m = "many" is invalid: expected an integer from 1 to 250; using 10');
  });

  it('still understands the old conditions list, and says when it reads it loosely', () => {
    const read = (text: string) => configFromStrings([['conditions', text]]);
    expect(read('teacher,aux-shared,aux-different')).toEqual({ config: { ...defaultConfig(), init: 'both', distill: 'aux' }, issues: [] });
    expect(read('teacher,all-different').config).toMatchObject({ init: 'different', distill: 'all' });
    expect(read('teacher,aux-shared,aux-different,all-shared,all-different').issues).toEqual([]);
    const loose = read('aux-shared,all-different');
    expect(loose.config).toMatchObject({ init: 'both', distill: 'both' });
    expect(loose.issues[0].message).toMatch(/read as init=both, distill=both/);
    const teacherOnly = read('teacher');
    expect(teacherOnly.config).toEqual(defaultConfig());
    expect(teacherOnly.issues[0].message).toMatch(/names no student .*ignored/);
  });

  it('parses text strictly', () => {
    const { config, issues } = configFromStrings([
      ['m', '5'],
      ['lr', '1e-3'],
      ['seed', ''],
      ['hidden', '0x10'],
      ['teacherEpochs', '3abc'],
      ['distill', ' aux '],
    ]);
    expect(config.m).toBe(5);
    expect(config.lr).toBe(1e-3);
    expect(config.distill).toBe('aux');
    expect(issues.map((i) => i.field)).toEqual(['seed', 'hidden', 'teacherEpochs']);
    expect(issues[2].message).toMatch(/teacherEpochs = "3abc" is invalid/);
  });

  it('round-trips through text, writing only what differs from the defaults', () => {
    const config = { ...defaultConfig(), m: 10, lr: 0.001, init: 'shared' as const };
    const text = configToStrings(config);
    expect(text).toEqual([
      ['init', 'shared'],
      ['m', '10'],
      ['lr', '0.001'],
    ]);
    const back = configFromStrings(text);
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(config);
    expect(configToStrings(defaultConfig())).toEqual([]);
  });

  it('declares every field with a label and help, and the control that shows it', () => {
    for (const key of CONFIG_KEYS) {
      const field = CONFIG_SCHEMA[key];
      expect(field.label.length, key).toBeGreaterThan(1);
      expect(field.help.length, key).toBeGreaterThan(5);
    }
    expect(CONFIG_KEYS.filter((k) => CONFIG_SCHEMA[k].control === 'toggle')).toEqual(['teacherTrait', 'init', 'distill']);
  });

  it('refuses a run whose later seeds would pass the largest seed, keeping a run of as many seeds that fits', () => {
    const { config, issues } = validateConfig({ seed: 2 ** 31 - 1, seeds: 5 });
    expect(issues.map((i) => i.field)).toEqual(['seed']);
    expect(issues[0].message).toBe(
      'seed = 2147483647 with seeds = 5 would train seeds up to 2147483651, past the largest seed 2147483647; using seed = 1',
    );
    expect(config).toMatchObject({ seed: 1, seeds: 5 });
    expect(validateConfig({ seed: 2 ** 31 - 5, seeds: 5 }).issues).toEqual([]);
  });

  it('knows the favourite-digit and partly shared settings', () => {
    const { config, issues } = configFromStrings([
      ['teacherTrait', 'favourite'],
      ['favourite', '3'],
      ['favouriteShare', '0.5'],
      ['init', 'partial'],
      ['initShare', '0.75'],
    ]);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({ teacherTrait: 'favourite', favourite: 3, favouriteShare: 0.5, init: 'partial', initShare: 0.75 });
    const bad = configFromStrings([
      ['favourite', '10'],
      ['initShare', '1.5'],
      ['teacherTrait', 'owls'],
    ]);
    expect(bad.issues.map((i) => i.field)).toEqual(['favourite', 'initShare', 'teacherTrait']);
    expect(bad.config).toMatchObject({ favourite: 7, initShare: 0.9, teacherTrait: 'skill' });
  });

  for (const [key, usual, other, unknown] of [
    ['initScheme', 'normal', 'uniform', 'xavier'],
    ['studentLoss', 'kl', 'mse', 'l1'],
  ] as const)
    it(`takes ${key} ${usual} unless told ${other}, and refuses any other value`, () => {
      expect(defaultConfig()[key]).toBe(usual);
      expect(configFromStrings([[key, other]])).toEqual({ config: { ...defaultConfig(), [key]: other }, issues: [] });
      expect(configToStrings({ ...defaultConfig(), [key]: other })).toEqual([[key, other]]);
      const { config, issues } = configFromStrings([[key, unknown]]);
      expect(config[key]).toBe(usual);
      expect(issues.map((i) => i.message)).toEqual([
        `${key} = "${unknown}" is invalid: expected one of ${usual}, ${other}; using "${usual}"`,
      ]);
      // A research setting: a menu in the page's research section, not under "All settings"; it defines the models.
      expect(CONFIG_SCHEMA[key]).toMatchObject({ control: 'select', role: 'models' });
      expect(sectionOf(key)).toBe('research');
    });

  it('takes noise uniform unless told gaussian or blur, and noiseBlur from 0.5 to 4 pixels; refuses anything else, keeping a safe value', () => {
    expect(defaultConfig()).toMatchObject({ noise: 'uniform', noiseBlur: 1 });
    expect(configFromStrings([['noise', 'gaussian']])).toEqual({ config: { ...defaultConfig(), noise: 'gaussian' }, issues: [] });
    expect(
      configFromStrings([
        ['noise', 'blur'],
        ['noiseBlur', '2'],
      ]),
    ).toEqual({ config: { ...defaultConfig(), noise: 'blur', noiseBlur: 2 }, issues: [] });
    expect(configToStrings({ ...defaultConfig(), noise: 'blur', noiseBlur: 0.5 })).toEqual([
      ['noise', 'blur'],
      ['noiseBlur', '0.5'],
    ]);
    const { config, issues } = configFromStrings([
      ['noise', 'perlin'],
      ['noiseBlur', '0.25'],
    ]);
    expect(config).toMatchObject({ noise: 'uniform', noiseBlur: 1 });
    expect(issues.map((i) => i.message)).toEqual([
      'noise = "perlin" is invalid: expected one of uniform, gaussian, blur; using "uniform"',
      'noiseBlur = 0.25 is invalid: expected a number from 0.5 to 4; using 1',
    ]);
    for (const text of ['5', 'wide', '', 'NaN', 'Infinity']) {
      expect(valueProblem('noiseBlur', text), text).not.toBeNull();
      expect(configFromStrings([['noiseBlur', text]]).config.noiseBlur, text).toBe(1);
    }
    // The noise is part of the protocol: a run on other noise is not the paper's.
    expect(CONFIG_SCHEMA.noise).toMatchObject({ control: null, role: 'protocol', sweepable: true });
  });
});

describe('settings that shape a model only under another setting', () => {
  it('name a choice and values it has, and take effect exactly under them', () => {
    const dependent = CONFIG_KEYS.filter((key) => needsOf(key) !== null);
    expect(dependent).toEqual(['favourite', 'favouriteShare', 'initShare', 'shareParts', 'noiseBlur']);
    for (const key of dependent) {
      const needs = needsOf(key)!;
      const field = CONFIG_SCHEMA[needs.key];
      expect(field.kind).toBe('enum');
      for (const value of needs.values) expect((field as { values: readonly string[] }).values).toContain(value);
    }
    const config = defaultConfig();
    expect(needsOf('initShare')!.values).toEqual(['partial', 'all']);
    expect(hasEffect('initShare', { ...config, init: 'both' })).toBe(false);
    expect(hasEffect('initShare', { ...config, init: 'all' })).toBe(true);
    expect(hasEffect('favourite', config)).toBe(false);
    expect(hasEffect('favourite', { ...config, teacherTrait: 'favourite' })).toBe(true);
    expect(hasEffect('m', config)).toBe(true);
    expect(needsOf('shareParts')!.values).toEqual(['parts']);
    expect(hasEffect('shareParts', config)).toBe(false);
    expect(hasEffect('shareParts', { ...config, init: 'parts' })).toBe(true);
    expect(hasEffect('noiseBlur', config)).toBe(false);
    expect(hasEffect('noiseBlur', { ...config, noise: 'gaussian' })).toBe(false);
    expect(hasEffect('noiseBlur', { ...config, noise: 'blur' })).toBe(true);
    expect(inertProblem('noiseBlur', { ...config, noise: 'gaussian', noiseBlur: 2 })).toBe(
      '--noise-blur needs --noise blur: with --noise gaussian no model of the run depends on noiseBlur',
    );
  });

  it('say in flags what gives them effect, and are left out of a command where they have none', () => {
    const config = { ...defaultConfig(), initShare: 0.5, shareParts: 'hidden' as const };
    expect(flagsGivingEffect('initShare')).toBe('--init partial or --init all');
    expect(flagsGivingEffect('m')).toBeNull();
    expect(inertProblem('initShare', config)).toBe(
      '--init-share needs --init partial or --init all: with --init both no model of the run depends on initShare',
    );
    expect(inertProblem('initShare', { ...config, init: 'partial' })).toBeNull();
    expect(inertProblem('m', config)).toBeNull();
    // A command the CLI would refuse reproduces nothing: the inert settings go, the rest stay.
    expect(commandFlags({ ...config, m: 5 })).toEqual(['--m 5']);
    expect(commandFlags({ ...config, init: 'partial' })).toEqual(['--init partial', '--init-share 0.5']);
  });

  it('are found by their schema name or their flag spelling', () => {
    expect(settingNamed('initShare')).toBe('initShare');
    expect(settingNamed('init-share')).toBe('initShare');
    expect(settingNamed('initshare')).toBeNull();
    expect(settingNamed('constructor')).toBeNull();
  });
});

describe('where the page places a setting', () => {
  it('puts the research settings (the loss, the scheme, m up to 250) in the research section and every other box under "All settings"', () => {
    expect(CONFIG_KEYS.filter((key) => sectionOf(key) === 'research')).toEqual(['initScheme', 'studentLoss', 'm']);
    expect(sectionOf('hidden')).toBe('settings');
  });
});

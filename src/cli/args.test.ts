import { describe, expect, it } from 'vitest';
import { RESULT_SCHEMA } from '../protocol/export';
import { helpText, parseArgs } from './args';

describe('CLI flags', () => {
  it('maps kebab-case flags onto the config schema', () => {
    const o = parseArgs(['--seeds', '7', '--m=5', '--teacher-epochs', '2', '--json', 'out.json', '--workers', '1']);
    expect(o.issues).toEqual([]);
    expect(o.config).toMatchObject({ seeds: 7, m: 5, teacherEpochs: 2, studentEpochs: 5 });
    expect(o.json).toEqual({ flag: '--json', path: 'out.json' });
    expect(o.workers).toBe(1);
  });

  it('lets --epochs set both phases', () => {
    expect(parseArgs(['--epochs', '3']).config).toMatchObject({ teacherEpochs: 3, studentEpochs: 3 });
  });

  it('explains every bad argument', () => {
    const o = parseArgs(['--seeds', '0', '--colour', 'red', '--m', '--lr', 'fast', 'stray', '--workers', '0']);
    expect(o.issues.map((i) => i.message)).toEqual([
      'unknown flag --colour (see --help)',
      '--m needs a value',
      'unexpected argument "stray" (see --help)',
      '--workers 0 is invalid: expected an integer from 1 to 64',
      '--seeds 0 is invalid: expected an integer from 1 to 100',
      '--lr "fast" is invalid: expected a number from 0.000001 to 1',
    ]);
  });

  it('refuses a flag given twice, and two flags that set the same thing', () => {
    expect(parseArgs(['--m', '3', '--m', '4']).issues.map((i) => i.message)).toEqual(['--m is given twice; give it once']);
    expect(parseArgs(['--epochs', '3', '--teacher-epochs', '4']).issues.map((i) => i.message)).toEqual([
      '--teacher-epochs and --epochs both set teacherEpochs; give one',
    ]);
    expect(parseArgs(['--json', 'a.json', '--json=b.json']).issues.map((i) => i.message)).toEqual(['--json is given twice; give it once']);
  });

  it('takes --noise and --noise-blur, and explains a bad value of either', () => {
    expect(parseArgs(['--noise', 'gaussian']).config).toMatchObject({ noise: 'gaussian', noiseBlur: 1 });
    expect(parseArgs(['--noise', 'blur', '--noise-blur', '2']).config).toMatchObject({ noise: 'blur', noiseBlur: 2 });
    expect(parseArgs(['--noise', 'perlin', '--hidden', '4097']).issues.map((i) => i.message)).toEqual([
      '--noise "perlin" is invalid: expected one of uniform, gaussian, blur',
      '--hidden 4097 is invalid: expected an integer from 8 to 4096',
    ]);
    expect(parseArgs(['--noise', 'blur', '--noise-blur', '8']).issues.map((i) => i.message)).toEqual([
      '--noise-blur 8 is invalid: expected a number from 0.5 to 4',
    ]);
  });

  it('refuses seeds past the largest seed, naming the flags', () => {
    expect(parseArgs(['--seed', '2147483647', '--seeds', '5']).issues.map((i) => i.message)).toEqual([
      '--seed 2147483647 with --seeds 5 would train seeds up to 2147483651, past the largest seed 2147483647',
    ]);
  });

  it('refuses a setting given without the setting that gives it effect, naming the value it needs', () => {
    const problems = (argv: string[]) => parseArgs(argv).issues.map((i) => i.message);
    expect(problems(['--init-share', '0.5'])).toEqual([
      '--init-share needs --init partial or --init all: with --init both no model of the run depends on initShare',
    ]);
    expect(problems(['--init', 'shared', '--share-parts', 'heads'])).toEqual([
      '--share-parts needs --init parts: with --init shared no model of the run depends on shareParts',
    ]);
    expect(problems(['--favourite', '3'])).toEqual([
      '--favourite needs --teacher-trait favourite: with --teacher-trait skill no model of the run depends on favourite',
    ]);
    // With the setting that gives it effect, or at its default unasked, it is a setting like any other.
    expect(problems(['--init', 'all', '--init-share', '0.5'])).toEqual([]);
    expect(problems(['--init', 'parts', '--share-parts', 'heads'])).toEqual([]);
    expect(problems(['--init', 'shared'])).toEqual([]);
    expect(problems(['--noise-blur', '2'])).toEqual([
      '--noise-blur needs --noise blur: with --noise uniform no model of the run depends on noiseBlur',
    ]);
    expect(problems(['--noise', 'blur', '--noise-blur', '2'])).toEqual([]);
    // A bad --init is refused for itself, not read as the default that would leave --init-share inert.
    expect(problems(['--init', 'partal', '--init-share', '0.5'])).toEqual([
      '--init "partal" is invalid: expected one of shared, partial, different, both, all, parts',
    ]);
  });

  it('documents every setting in --help, and the result schema the files carry', () => {
    const help = helpText();
    for (const flag of ['--seeds', '--teacher-epochs', '--noise-count', '--eval-every', '--json', '--csv']) expect(help).toContain(flag);
    expect(help).toContain(`--json FILE          write the full result (schema ${RESULT_SCHEMA})`);
  });
});

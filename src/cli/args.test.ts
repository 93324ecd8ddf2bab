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

  it('refuses seeds past the largest seed, naming the flags', () => {
    expect(parseArgs(['--seed', '2147483647', '--seeds', '5']).issues.map((i) => i.message)).toEqual([
      '--seed 2147483647 with --seeds 5 would train seeds up to 2147483651, past the largest seed 2147483647',
    ]);
  });

  it('documents every setting in --help, and the result schema the files carry', () => {
    const help = helpText();
    for (const flag of ['--seeds', '--teacher-epochs', '--noise-count', '--eval-every', '--json', '--csv']) expect(help).toContain(flag);
    expect(help).toContain(`--json FILE          write the full result (schema ${RESULT_SCHEMA})`);
  });
});

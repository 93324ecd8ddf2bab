import { describe, expect, it } from 'vitest';
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
      '--seeds 0 is invalid: expected an integer from 1 to 100; using 5',
      '--lr "fast" is invalid: expected a number from 0.000001 to 1; using 0.0003',
    ]);
  });

  it('documents every setting in --help', () => {
    const help = helpText();
    for (const flag of ['--seeds', '--teacher-epochs', '--noise-count', '--eval-every', '--json', '--csv']) expect(help).toContain(flag);
  });
});

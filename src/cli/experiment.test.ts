/** The CLI as a user runs it: a process, its exit code, its output files. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, describeRange } from '../protocol/config';
import { parseExport } from '../protocol/export';

const TINY = [
  '--hidden',
  '32',
  '--epochs',
  '1',
  '--batch-size',
  '128',
  '--train-count',
  '1024',
  '--noise-count',
  '512',
  '--test-count',
  '500',
];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join('node_modules', '.bin', 'tsx'), ['src/cli/experiment.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run experiment', () => {
  it('merges two worker threads into one result that keeps every seed’s alignment and names the kernels, the same as one thread’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const run = ['--seeds', '3', '--init', 'both', '--distill', 'aux'];
    // Three seeds on two threads: one seed each, then the third seed's students one on each (its teacher trained twice).
    const [two, one] = await Promise.all(
      ['2', '1'].map((workers) => cli([...TINY, ...run, '--workers', workers, '--json', join(dir, `${workers}.json`)])),
    );
    expect(two.code, two.stderr).toBe(0);
    expect(one.code, one.stderr).toBe(0);
    const result = parseExport(readFileSync(join(dir, '2.json'), 'utf8'));
    expect(result.seeds).toEqual(parseExport(readFileSync(join(dir, '1.json'), 'utf8')).seeds);
    expect(result.seeds.map((s) => s.seed)).toEqual([1, 2, 3]);
    for (const seed of result.seeds) {
      expect(Object.keys(seed.accuracy).sort()).toEqual(['aux-different', 'aux-shared', 'reference', 'teacher']);
      expect(Object.keys(seed.alignment ?? {}).sort()).toEqual(['aux-different', 'aux-shared']);
      expect(Math.abs(seed.alignment!['aux-shared']!.overall)).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(result.kernels).sort()).toEqual(['aux-different', 'aux-shared', 'teacher', 'teacher noise pass']);
    expect(Object.values(result.kernels).every((k) => k.step === 'tfjs' && k.fallback === undefined)).toBe(true);
  });

  it('refuses a run that cannot fit a worker’s 4 GiB wasm heap before it starts any training, naming what to lower', async () => {
    // Two workers, as on a 2-core machine: with more cores the seeds spread thinner and the run may fit.
    const { code, stdout, stderr } = await cli(['--seeds', '100', '--hidden', '1024', '--noise-count', '200000', '--workers', '2']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /more than one worker's wasm heap \(its 25 seeds train side by side\) can give .* lower --batch-size, --seeds, --hidden, --depth, or spread the seeds over more workers/,
    );
    // Refused before the run began: no "Training …" report, no progress, the refusal its only line.
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs with --init-scheme uniform, --student-loss mse and blurred noise, and records them in its result', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'cli-')), 'result.json');
    const { code, stderr } = await cli([
      ...TINY,
      '--seeds',
      '1',
      '--init',
      'shared',
      '--distill',
      'aux',
      '--init-scheme',
      'uniform',
      '--student-loss',
      'mse',
      '--noise',
      'blur',
      '--noise-blur',
      '2',
      '--json',
      json,
    ]);
    expect(code, stderr).toBe(0);
    const result = parseExport(readFileSync(json, 'utf8'));
    expect(result.config).toMatchObject({ initScheme: 'uniform', studentLoss: 'mse', noise: 'blur', noiseBlur: 2 });
    expect(Object.keys(result.seeds[0].accuracy).sort()).toEqual(['aux-shared', 'reference', 'teacher']);
  });

  it('exits 2, naming the flag, for a repeated flag or seeds past the largest seed', async () => {
    const repeated = await cli(['--m', '3', '--m', '4']);
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toContain('--m is given twice');
    const inert = await cli(['--noise', 'gaussian', '--noise-blur', '2']);
    expect(inert.code).toBe(2);
    expect(inert.stderr).toContain('--noise-blur needs --noise blur: with --noise gaussian no model of the run depends on noiseBlur');
    const overflow = await cli(['--seed', '2147483647', '--seeds', '5']);
    expect(overflow.code).toBe(2);
    expect(overflow.stderr).toContain(
      '--seed 2147483647 with --seeds 5 would train seeds up to 2147483651, past the largest seed 2147483647\n',
    );
  });

  it('refuses a bad value, exit 2, saying what is wrong and not what it would have used', async () => {
    const tooMany = CONFIG_SCHEMA.m.max + 1;
    const { code, stdout, stderr } = await cli(['--m', String(tooMany)]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: --m ${tooMany} is invalid: expected ${describeRange('m')}\nRun with --help for the list of flags.\n`);
    expect(stdout).toBe('');
  });

  for (const [flag, unknown, values] of [
    ['--init-scheme', 'gaussian', 'normal, uniform'],
    ['--student-loss', 'l1', 'kl, mse'],
  ])
    it(`refuses a value of ${flag} it does not know, exit 2, naming its values`, async () => {
      const { code, stdout, stderr } = await cli([flag, unknown]);
      expect(code).toBe(2);
      expect(stderr).toBe(`error: ${flag} "${unknown}" is invalid: expected one of ${values}\nRun with --help for the list of flags.\n`);
      expect(stdout).toBe('');
    });

  it('refuses a setting given without the --init that gives it effect, exit 2, naming that --init', async () => {
    const { code, stdout, stderr } = await cli(['--share-parts', 'heads']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --share-parts needs --init parts: with --init both no model of the run depends on shareParts\nRun with --help for the list of flags.\n',
    );
    expect(stdout).toBe('');
  });

  it('refuses a pattern of parts it does not know, exit 2, naming the parts and the names', async () => {
    const { code, stdout, stderr } = await cli(['--init', 'parts', '--share-parts', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: --share-parts "nope" is invalid: "nope" is not a part; expected ${describeRange('shareParts')}\nRun with --help for the list of flags.\n`,
    );
    expect(describeRange('shareParts')).toMatch(
      /hidden1, hidden2, … \(one per hidden layer: hidden1 to hidden4 at most\), digits, aux .* all, none, heads \(digits\+aux\), hidden \(every hidden layer\)/,
    );
    expect(stdout).toBe('');
  });
});

/** `npm run sweep` as a user runs it: whole, interrupted and resumed, in shards that merge into the same file, and refusing what cannot work. */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRange } from '../protocol/config';
import { parseSweep, sameJob, type JournalEntry, type SweepFile } from '../protocol/sweep';

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
const SWEEP = ['--vary', 'initShare=0,0.75,1', '--seeds', '2', '--init', 'partial', '--distill', 'aux', ...TINY];

function sweep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join('node_modules', '.bin', 'tsx'), ['src/cli/sweep.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A sweep interrupted as Ctrl-C in a terminal does it (SIGINT to its whole process group: npm's or
 * tsx's wrapper and the node process alike), once `ready` says so.
 */
function sweepInterrupted(args: string[], ready: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join('node_modules', '.bin', 'tsx'), ['src/cli/sweep.ts', ...args], { detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      process.kill(-child.pid!, 'SIGINT');
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The finished jobs a journal holds (its lines after the first, the sweep's settings). */
const journalJobs = (path: string): JournalEntry[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .slice(1, -1)
        .map((line) => JSON.parse(line) as JournalEntry)
    : [];

/** What a sweep file says about its models: everything but when, where and how fast it ran. */
const results = (file: SweepFile) => ({
  config: file.config,
  axes: file.axes,
  totalJobs: file.totalJobs,
  jobs: file.jobs.map(({ values, seed, result, kernels }) => ({ values, seed, result, kernels })),
  points: file.points,
});

describe('npm run sweep', () => {
  // Ten CLI processes, most of them one after the other: on a busy 2-core machine, more than the unit default.
  it('runs every value × seed as a job; interrupted and resumed, or in shards merged, it gives exactly the uninterrupted sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const out = (name: string) => join(dir, name);
    // One worker: the jobs finish one by one, so the interrupt comes with some kept and some not.
    const wholeArgs = [...SWEEP, '--workers', '1', '--json', out('whole.json'), '--csv', out('whole.csv')];
    const journal = `${out('whole.json')}.journal`;
    const interrupted = await sweepInterrupted(wholeArgs, () => journalJobs(journal).length >= 1);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const kept = journalJobs(journal);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(6);
    expect(interrupted.stderr).toContain(
      `Interrupted: kept ${kept.length} of 6 jobs in ${journal}. The same command resumes, training only the others:\n  npm run sweep -- ${wholeArgs.join(' ')}\n`,
    );
    expect(existsSync(out('whole.json'))).toBe(false);

    // Resuming with other settings is refused, and the journal is left as it was.
    const keptText = readFileSync(journal, 'utf8');
    const changed = await sweep([...wholeArgs, '--m', '4']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(`error: ${journal}: it keeps the jobs of another sweep (--m 3 there, 4 here).`);
    expect(readFileSync(journal, 'utf8')).toBe(keptText);

    // The same command trains only the missing jobs, writes the file and removes the journal.
    const whole = await sweep(wholeArgs);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain(
      `Resuming: ${kept.length} of these 6 jobs were kept in ${journal}; training the other ${6 - kept.length}.`,
    );
    expect(existsSync(journal)).toBe(false);
    const resumed = parseSweep(readFileSync(out('whole.json'), 'utf8'));
    // A kept job was not trained again: the file holds it as the journal did, its own wall time included.
    for (const { job } of kept) expect(resumed.jobs.find((j) => sameJob(j, job))).toEqual(job);

    // Shards, each uninterrupted: merged, they must equal the resumed sweep seed for seed.
    const shards = await Promise.all(
      [1, 2].map((i) => sweep([...SWEEP, '--shard', `${i}/2`, '--workers', '1', '--json', out(`shard-${i}.json`)])),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const partial = await sweep(['--merge', out('shard-1.json'), '--json', out('partial.json')]);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stdout).toMatch(/warning: 3 job\(s\) missing/);
    const merged = await sweep([
      '--merge',
      out('shard-2.json'),
      out('shard-1.json'),
      '--json',
      out('merged.json'),
      '--csv',
      out('merged.csv'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);

    const [a, b] = [parseSweep(readFileSync(out('whole.json'), 'utf8')), parseSweep(readFileSync(out('merged.json'), 'utf8'))];
    expect(a.jobs.map((j) => [j.values.initShare, j.seed])).toEqual([
      [0, 1],
      [0, 2],
      [0.75, 1],
      [0.75, 2],
      [1, 1],
      [1, 2],
    ]);
    expect(b.shard).toBeNull();
    expect(results(b)).toEqual(results(a));
    expect(readFileSync(out('merged.csv'), 'utf8')).toBe(readFileSync(out('whole.csv'), 'utf8'));
    // Each value's summary: the aux-only partly shared student over both seeds.
    expect(a.points.map((p) => [p.values.initShare, p.summary['aux-partial']!.n])).toEqual([
      [0, 2],
      [0.75, 2],
      [1, 2],
    ]);

    // A shard merged twice, or files of different sweeps, are refused with the reason.
    const twice = await sweep(['--merge', out('shard-1.json'), out('shard-1.json'), '--json', out('bad.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/is in file 1 and in file 2: merge each shard once/);
    const other = await sweep([
      '--vary',
      'initShare=0.5',
      '--seeds',
      '1',
      '--init',
      'partial',
      '--distill',
      'aux',
      ...TINY,
      '--json',
      out('other.json'),
    ]);
    expect(other.code, other.stderr).toBe(0);
    const mixed = await sweep(['--merge', out('shard-1.json'), out('other.json'), '--json', out('bad.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/file 2 is not a shard of the same sweep as file 1/);
  }, 300_000);

  it('varies the pattern of shared parts as categories, in shards that merge, with a row per pattern', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-parts-'));
    const out = (name: string) => join(dir, name);
    const args = ['--vary', 'shareParts=all,aux+digits,none', '--init', 'parts', '--distill', 'aux', '--seeds', '1', ...TINY];
    const shards = await Promise.all(
      ['1/2', '2/2'].map((shard, i) => sweep([...args, '--shard', shard, '--workers', '1', '--json', out(`shard${i + 1}.json`)])),
    );
    for (const { code, stderr } of shards) expect(code, stderr).toBe(0);
    const merged = await sweep(['--merge', out('shard1.json'), out('shard2.json'), '--json', out('all.json'), '--csv', out('all.csv')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('npm run sweep -- --vary shareParts=all,heads,none --init parts --distill aux');
    const file = parseSweep(readFileSync(out('all.json'), 'utf8'));
    expect(file.axes).toEqual([{ key: 'shareParts', values: ['all', 'heads', 'none'] }]);
    expect(file.jobs.map((job) => job.values)).toEqual([{ shareParts: 'all' }, { shareParts: 'heads' }, { shareParts: 'none' }]);
    expect(file.points.map((point) => [point.values.shareParts, Object.keys(point.summary)])).toEqual(
      ['all', 'heads', 'none'].map((pattern) => [pattern, ['reference', 'teacher', 'aux-parts']]),
    );
    const summaries = readFileSync(out('all.csv'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('summary,') && line.includes(',aux-parts,'));
    expect(summaries.map((line) => line.split(',')[1])).toEqual(['all', 'heads', 'none']);
    for (const i of [1, 2]) expect(existsSync(`${out(`shard${i}.json`)}.journal`)).toBe(false);
  }, 300_000);

  it("varies the student's loss and the initialisation scheme as categories, as a grid: the teacher follows the scheme alone", async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'sweep-choices-')), 'grid.json');
    const args = ['--vary', 'studentLoss=kl,mse', '--vary', 'init-scheme=normal,uniform', '--init', 'shared', '--distill', 'aux'];
    const { code, stdout, stderr } = await sweep([...args, '--seeds', '1', ...TINY, '--json', json]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('npm run sweep -- --vary studentLoss=kl,mse --vary initScheme=normal,uniform --init shared --distill aux');
    const file = parseSweep(readFileSync(json, 'utf8'));
    const grid = [
      { studentLoss: 'kl', initScheme: 'normal' },
      { studentLoss: 'kl', initScheme: 'uniform' },
      { studentLoss: 'mse', initScheme: 'normal' },
      { studentLoss: 'mse', initScheme: 'uniform' },
    ];
    expect(file.jobs.map((job) => job.values)).toEqual(grid);
    expect(file.points.map((point) => point.values)).toEqual(grid);
    const [klNormal, klUniform, mseNormal, mseUniform] = file.jobs.map((job) => job.result);
    // The same seed's teacher whatever its students' loss, another from the other scheme's start; the students differ by their loss.
    expect(mseNormal.accuracy.teacher).toEqual(klNormal.accuracy.teacher);
    expect(mseUniform.accuracy.teacher).toEqual(klUniform.accuracy.teacher);
    expect(klUniform.accuracy.teacher).not.toEqual(klNormal.accuracy.teacher);
    expect(mseNormal.alignment!['aux-shared']).not.toEqual(klNormal.alignment!['aux-shared']);
  }, 300_000);

  it('varies the noise as categories, in shards that merge: one teacher per seed, its students on each kind of noise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-noise-'));
    const out = (name: string) => join(dir, name);
    const args = ['--vary', 'noise=uniform,gaussian,blur', '--init', 'shared', '--distill', 'aux', '--seeds', '1', ...TINY];
    const shards = await Promise.all(
      ['1/2', '2/2'].map((shard, i) => sweep([...args, '--shard', shard, '--workers', '1', '--json', out(`shard${i + 1}.json`)])),
    );
    for (const { code, stderr } of shards) expect(code, stderr).toBe(0);
    const merged = await sweep(['--merge', out('shard1.json'), out('shard2.json'), '--json', out('all.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('npm run sweep -- --vary noise=uniform,gaussian,blur --init shared --distill aux');
    const file = parseSweep(readFileSync(out('all.json'), 'utf8'));
    expect(file.points.map((point) => point.values)).toEqual([{ noise: 'uniform' }, { noise: 'gaussian' }, { noise: 'blur' }]);
    const [uniform, gaussian, blurred] = file.jobs.map((job) => job.result);
    expect(gaussian.accuracy.teacher).toEqual(uniform.accuracy.teacher);
    expect(blurred.accuracy.teacher).toEqual(uniform.accuracy.teacher);
    expect(gaussian.alignment!['aux-shared']).not.toEqual(uniform.alignment!['aux-shared']);
    expect(blurred.alignment!['aux-shared']).not.toEqual(gaussian.alignment!['aux-shared']);
  }, 300_000);

  it('explains bad sweep flags, exit 2, before training anything, each by what is wrong', async () => {
    const cases: [string[], string][] = [
      [[], 'error: give --vary SETTING=V1,V2,… (or --merge files)'],
      [
        ['--vary', 'init=shared'],
        'error: --vary init=shared: init is a choice of which models train, not a setting a sweep varies; a sweep can vary favourite, ',
      ],
      [
        ['--vary', 'shareParts=all,nope', '--init', 'parts'],
        'error: --vary shareParts=all,nope: "nope" is not a pattern of shareParts: "nope" is not a part; expected parts from hidden1, hidden2, … (one per hidden layer: hidden1 to hidden4 at most), digits, aux joined by +',
      ],
      [
        ['--vary', 'shareParts=heads,aux+digits', '--init', 'parts'],
        'error: --vary shareParts=heads,aux+digits: aux+digits is the same value as heads\n',
      ],
      [
        ['--vary', 'share-parts=all,none'],
        'error: --vary shareParts needs --init parts: with --init both no model of the run depends on shareParts',
      ],
      [['--vary', 'foo=1,2'], 'error: --vary foo=1,2: there is no setting "foo"; a sweep can vary favourite, '],
      [['--vary', 'm=1,1000'], `error: --vary m=1,1000: 1000 is out of range (m takes ${describeRange('m')})\n`],
      [
        ['--vary', 'studentLoss=kl,l2'],
        'error: --vary studentLoss=kl,l2: "l2" is not a value of studentLoss (studentLoss takes one of kl, mse)\n',
      ],
      [['--vary', 'initShare=0.5,0.5', '--init', 'partial'], 'error: --vary initShare=0.5,0.5: 0.5 is listed twice\n'],
      [['--vary', 'm=1,3', '--vary', 'm=10'], 'error: --vary m is given twice'],
      [['--vary', 'm=1', '--shard', '3/2'], 'error: --shard 3/2: expected i/n with 1 ≤ i ≤ n'],
      [['--merge'], 'error: --merge needs the sweep files'],
      [['--vary', 'noise=uniform,perlin'], 'error: --vary noise=uniform,perlin: "perlin" is not a value of noise'],
      [
        ['--vary', 'noise-blur=1,2'],
        'error: --vary noiseBlur needs --noise blur: with --noise uniform no model of the run depends on noiseBlur',
      ],
      // A setting that shapes no model of the run, in the flag's spelling too: its values would give identical rows.
      [
        ['--vary', 'init-share=0,1'],
        'error: --vary initShare needs --init partial or --init all: with --init both no model of the run depends on initShare',
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => sweep(args)));
    runs.forEach(({ code, stdout, stderr }, i) => {
      const [args, message] = cases[i];
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain(message);
      // One message, the one that names the problem: no generic usage line after a --vary that was refused.
      expect(stderr.match(/^error:/gm), args.join(' ')).toHaveLength(1);
      expect(stdout, args.join(' ')).toBe('');
    });
  });

  it('refuses to merge a file it cannot read or that is not a sweep, exit 2, naming each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-merge-'));
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ schema: 'subliminal-mnist/result@3' }));
    writeFileSync(join(dir, 'notes.txt'), 'not json');
    const { code, stderr } = await sweep([
      '--merge',
      join(dir, 'missing.json'),
      join(dir, 'result.json'),
      join(dir, 'notes.txt'),
      '--json',
      join(dir, 'all.json'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `error: --merge ${join(dir, 'missing.json')}: cannot be read (ENOENT: no such file or directory)`,
        `error: --merge ${join(dir, 'result.json')}: not a subliminal-mnist/sweep@1 file`,
        `error: --merge ${join(dir, 'notes.txt')}: is not JSON`,
        'Nothing was written.',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'all.json'))).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from './config';
import {
  groupByValues,
  inertAxes,
  journalLine,
  parseAxis,
  parseSweep,
  readJournal,
  shardJobs,
  sweepCommand,
  sweepJobs,
  SWEEP_JOURNAL_SCHEMA,
  type JournalEntry,
  type JournalHeader,
} from './sweep';

describe('a recorded sweep file', () => {
  it('reads with the settings added since it was written at their defaults, so its command names none of them', () => {
    const file = parseSweep(readFileSync('docs/results/sweep-init-share.json', 'utf8'));
    expect(file.config.shareParts).toBe(defaultConfig().shareParts);
    expect(sweepCommand(file)).not.toMatch(/undefined/);
  });
});

describe('a sweep axis', () => {
  it('takes a setting as the schema names it or as its flag is spelled', () => {
    expect(parseAxis('initShare=0,0.5,1')).toEqual({ axis: { key: 'initShare', values: [0, 0.5, 1] } });
    expect(parseAxis('init-share=0,0.5,1')).toEqual({ axis: { key: 'initShare', values: [0, 0.5, 1] } });
    expect(parseAxis('teacher-epochs=1,2')).toEqual({ axis: { key: 'teacherEpochs', values: [1, 2] } });
    expect(parseAxis('hidden=32,2048,4096')).toEqual({ axis: { key: 'hidden', values: [32, 2048, 4096] } });
    expect(parseAxis('noise-blur=0.5,1,2,4')).toEqual({ axis: { key: 'noiseBlur', values: [0.5, 1, 2, 4] } });
    expect(parseAxis('hidden=64,8192').issue).toBe('--vary hidden=64,8192: 8192 is out of range (hidden takes an integer from 8 to 4096)');
    expect(parseAxis('noiseBlur=0.25,1').issue).toBe(
      '--vary noiseBlur=0.25,1: 0.25 is out of range (noiseBlur takes a number from 0.5 to 4)',
    );
  });

  it('varies the choices of how every model trains as categories, but not the choices of which models train', () => {
    expect(parseAxis('studentLoss=kl,mse')).toEqual({ axis: { key: 'studentLoss', values: ['kl', 'mse'] } });
    expect(parseAxis('init-scheme=uniform,normal')).toEqual({ axis: { key: 'initScheme', values: ['uniform', 'normal'] } });
    expect(parseAxis('studentLoss=kl,l2').issue).toBe(
      '--vary studentLoss=kl,l2: "l2" is not a value of studentLoss (studentLoss takes one of kl, mse)',
    );
    expect(parseAxis('studentLoss=mse,mse').issue).toBe('--vary studentLoss=mse,mse: mse is listed twice');
    expect(parseAxis('noise=uniform,gaussian,blur')).toEqual({ axis: { key: 'noise', values: ['uniform', 'gaussian', 'blur'] } });
    expect(parseAxis('noise=uniform,perlin').issue).toBe(
      '--vary noise=uniform,perlin: "perlin" is not a value of noise (noise takes one of uniform, gaussian, blur)',
    );
    for (const choice of ['init=shared,different', 'distill=aux,all', 'teacherTrait=skill,favourite'])
      expect(parseAxis(choice).issue).toMatch(/is a choice of which models train, not a setting a sweep varies/);
    expect(parseAxis('backend=wasm,cpu').issue).toMatch(
      /^--vary backend=wasm,cpu: backend sets where the run computes, not a setting a sweep varies/,
    );
  });

  it('names what is wrong: the value out of range with the range, the unknown setting with the known ones, the repeated value', () => {
    const issue = (text: string) => parseAxis(text).issue;
    expect(issue('initShare=0,2')).toBe('--vary initShare=0,2: 2 is out of range (initShare takes a number from 0 to 1)');
    expect(issue('favourite=2.5')).toBe('--vary favourite=2.5: 2.5 is not an integer (favourite takes an integer from 0 to 9)');
    expect(issue('lr=fast')).toBe('--vary lr=fast: "fast" is not a number (lr takes a number from 0.000001 to 1)');
    expect(issue('foo=1,2')).toMatch(
      /^--vary foo=1,2: there is no setting "foo"; a sweep can vary favourite, favouriteShare, initShare, shareParts, initScheme, studentLoss, m, /,
    );
    expect(issue('init=shared')).toMatch(
      /^--vary init=shared: init is a choice of which models train, not a setting a sweep varies; a sweep can vary favourite, /,
    );
    expect(issue('seeds=1,2')).toBe('--vary seeds=1,2: the seeds are every sweep’s other axis: give --seed and --seeds instead');
    expect(issue('initShare=0.5,0.5')).toBe('--vary initShare=0.5,0.5: 0.5 is listed twice');
    expect(issue('m=1,3,1.0')).toBe('--vary m=1,3,1.0: 1.0 is the same value as 1');
    expect(issue('m')).toBe('--vary m: give the values, e.g. --vary m=1,2,3');
  });

  it('takes patterns of shared parts as categories, each checked, kept in canonical text, none twice', () => {
    expect(parseAxis('shareParts=all,aux+hidden1,digits+aux,none')).toEqual({
      axis: { key: 'shareParts', values: ['all', 'hidden1+aux', 'heads', 'none'] },
    });
    expect(parseAxis('share-parts=hidden')).toEqual({ axis: { key: 'shareParts', values: ['hidden'] } });
    const issue = (text: string) => parseAxis(text).issue;
    expect(issue('shareParts=all,nope')).toMatch(
      /^--vary shareParts=all,nope: "nope" is not a pattern of shareParts: "nope" is not a part; expected parts from hidden1, hidden2, … \(one per hidden layer: hidden1 to hidden4 at most\), digits, aux joined by \+/,
    );
    expect(issue('shareParts=heads,aux+digits')).toBe('--vary shareParts=heads,aux+digits: aux+digits is the same value as heads');
    expect(issue('shareParts=none,none')).toBe('--vary shareParts=none,none: none is listed twice');
  });
});

describe("a sweep's jobs grouped by value (a GPU trains a value's seeds side by side)", () => {
  it('puts each value combination’s seeds together, every job once, in sweep order', () => {
    const config: Config = { ...defaultConfig(), seed: 4, seeds: 3 };
    const jobs = sweepJobs(config, [parseAxis('m=3,10').axis!, parseAxis('hidden=64,128').axis!]);
    const groups = groupByValues(jobs);
    expect(groups.map((g) => [g[0].values, g.map((j) => j.seed)])).toEqual([
      [{ m: 3, hidden: 64 }, [4, 5, 6]],
      [{ m: 3, hidden: 128 }, [4, 5, 6]],
      [{ m: 10, hidden: 64 }, [4, 5, 6]],
      [{ m: 10, hidden: 128 }, [4, 5, 6]],
    ]);
  });

  it('keeps a shard’s jobs of one value together though they are not adjacent', () => {
    const jobs = shardJobs(sweepJobs({ ...defaultConfig(), seeds: 4 }, [parseAxis('m=3,10').axis!]), { index: 1, count: 3 });
    expect(groupByValues(jobs).map((g) => [g[0].values.m, g.map((j) => j.seed)])).toEqual([
      [3, [1, 4]],
      [10, [3]],
    ]);
  });
});

describe('a sweep over a setting no model depends on', () => {
  const axis = (text: string) => parseAxis(text).axis!;
  const base = (patch: Partial<Config>) => ({ ...defaultConfig(), ...patch }) as Config;

  it('is refused, naming the value of the setting that gives it effect', () => {
    expect(inertAxes(base({ init: 'both' }), [axis('initShare=0,1')])).toEqual([
      '--vary initShare needs --init partial or --init all: with --init both no model of the run depends on initShare, and every value would give the same results',
    ]);
    expect(inertAxes(base({}), [axis('m=3,10'), axis('favouriteShare=0.1,0.3')])).toEqual([
      '--vary favouriteShare needs --teacher-trait favourite: with --teacher-trait skill no model of the run depends on favouriteShare, and every value would give the same results',
    ]);
    expect(inertAxes(base({ init: 'partial' }), [axis('shareParts=all,none')])).toEqual([
      '--vary shareParts needs --init parts: with --init partial no model of the run depends on shareParts, and every value would give the same results',
    ]);
    expect(inertAxes(base({ noise: 'gaussian' }), [axis('noiseBlur=1,2')])).toEqual([
      '--vary noiseBlur needs --noise blur: with --noise gaussian no model of the run depends on noiseBlur, and every value would give the same results',
    ]);
    // Another axis that sets the needed value must set it in every cell: a uniform-noise cell has no blur.
    expect(inertAxes(base({ noise: 'blur' }), [axis('noise=uniform,blur'), axis('noiseBlur=0.5,2')])).toEqual([
      '--vary noiseBlur needs --noise blur: with --noise uniform no model of the run depends on noiseBlur (a value --vary noise lists), and every value would give the same results',
    ]);
    expect(inertAxes(base({ teacherTrait: 'skill' }), [axis('favourite=1,7')])[0]).toMatch(
      /^--vary favourite needs --teacher-trait favourite:/,
    );
  });

  it('is accepted where a model depends on it', () => {
    expect(inertAxes(base({ init: 'partial' }), [axis('initShare=0,1')])).toEqual([]);
    expect(inertAxes(base({ init: 'parts' }), [axis('shareParts=all,none')])).toEqual([]);
    expect(inertAxes(base({ init: 'all' }), [axis('initShare=0,1')])).toEqual([]);
    expect(inertAxes(base({ teacherTrait: 'favourite' }), [axis('favourite=1,7'), axis('favouriteShare=0.1,0.3')])).toEqual([]);
    expect(inertAxes(base({}), [axis('m=3,10'), axis('hidden=32,64')])).toEqual([]);
    expect(inertAxes(base({ noise: 'blur' }), [axis('noiseBlur=0.5,2')])).toEqual([]);
  });
});

describe('a sweep journal', () => {
  const config = { ...defaultConfig(), init: 'partial', seeds: 2 } as Config;
  const axes = [parseAxis('initShare=0,1').axis!];
  const header = (patch: Partial<JournalHeader> = {}): JournalHeader => ({
    schema: SWEEP_JOURNAL_SCHEMA,
    config,
    axes,
    shard: null,
    backend: 'wasm',
    ...patch,
  });
  const entry = (initShare: number, seed: number): JournalEntry => ({
    job: { values: { initShare }, seed, result: { seed, accuracy: {}, history: {} }, kernels: {}, wallMs: 1 },
    backend: 'wasm',
    tfjsVersion: '4.22.0',
  });
  const text = (first: JournalHeader, ...entries: JournalEntry[]) => [first, ...entries].map(journalLine).join('');

  it('gives back the finished jobs, dropping a last line cut short by a kill', () => {
    const whole = text(header(), entry(0, 1), entry(1, 2));
    expect(readJournal(whole, header())).toEqual({ entries: [entry(0, 1), entry(1, 2)] });
    expect(readJournal(whole + journalLine(entry(0, 2)).slice(0, 30), header())).toEqual({ entries: [entry(0, 1), entry(1, 2)] });
  });

  it("refuses another sweep's journal, naming each difference and its command", () => {
    const read = readJournal(text(header({ config: { ...config, m: 10 }, shard: { index: 1, count: 2 } })), header());
    expect(read).toEqual({
      problem:
        "it keeps the jobs of another sweep (--m 10 there, 3 here; --shard 1/2 there, no --shard here). Run that sweep's command to resume it " +
        '(npm run sweep -- --vary initShare=0,1 --init partial --seeds 2 --m 10 --shard 1/2), or delete the journal to start this one afresh',
    });
    expect(readJournal(text(header({ axes: [parseAxis('initShare=0,0.5').axis!] })), header())).toMatchObject({
      problem: expect.stringMatching(/^it keeps the jobs of another sweep \(--vary initShare=0,0.5 there, --vary initShare=0,1 here\)/),
    });
  });

  it('refuses a file that is not a journal, or a job that is not one of its shard’s', () => {
    expect(readJournal('{"schema":"subliminal-mnist/sweep@1"}\n', header())).toEqual({
      problem: 'not a subliminal-mnist/sweep-journal@1 file: delete it to start afresh',
    });
    expect(readJournal('not json\n', header())).toMatchObject({ problem: expect.stringMatching(/^line 1 is not JSON/) });
    // Shard 1/2 runs the first and third jobs (initShare 0 seed 1, initShare 1 seed 1).
    const shard = header({ shard: { index: 1, count: 2 } });
    expect(readJournal(text(shard, entry(1, 1)), shard)).toEqual({ entries: [entry(1, 1)] });
    expect(readJournal(text(shard, entry(0, 2)), shard)).toMatchObject({
      problem: expect.stringMatching(/^it lists job \[\{"initShare":0\},2\]/),
    });
    expect(readJournal(text(shard, entry(1, 1), entry(1, 1)), shard)).toMatchObject({ problem: expect.stringMatching(/is there twice/) });
  });
});

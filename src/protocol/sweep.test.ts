import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from './config';
import { inertAxes, parseAxis } from './sweep';

describe('a sweep axis', () => {
  it('takes a setting as the schema names it or as its flag is spelled', () => {
    expect(parseAxis('initShare=0,0.5,1')).toEqual({ axis: { key: 'initShare', values: [0, 0.5, 1] } });
    expect(parseAxis('init-share=0,0.5,1')).toEqual({ axis: { key: 'initShare', values: [0, 0.5, 1] } });
    expect(parseAxis('teacher-epochs=1,2')).toEqual({ axis: { key: 'teacherEpochs', values: [1, 2] } });
  });

  it('names what is wrong: the value out of range with the range, the unknown setting with the known ones, the repeated value', () => {
    const issue = (text: string) => parseAxis(text).issue;
    expect(issue('initShare=0,2')).toBe('--vary initShare=0,2: 2 is out of range (initShare takes a number from 0 to 1)');
    expect(issue('m=2.5')).toBe('--vary m=2.5: 2.5 is not an integer (m takes an integer from 1 to 50)');
    expect(issue('lr=fast')).toBe('--vary lr=fast: "fast" is not a number (lr takes a number from 0.000001 to 1)');
    expect(issue('foo=1,2')).toMatch(
      /^--vary foo=1,2: there is no setting "foo"; a sweep can vary favourite, favouriteShare, initShare, m, /,
    );
    expect(issue('init=shared')).toMatch(/^--vary init=shared: init is not a numeric setting; a sweep can vary favourite, /);
    expect(issue('seeds=1,2')).toBe('--vary seeds=1,2: the seeds are every sweep’s other axis: give --seed and --seeds instead');
    expect(issue('initShare=0.5,0.5')).toBe('--vary initShare=0.5,0.5: 0.5 is listed twice');
    expect(issue('m=1,3,1.0')).toBe('--vary m=1,3,1.0: 1.0 is the same value as 1');
    expect(issue('m')).toBe('--vary m: give the values, e.g. --vary m=1,2,3');
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
    expect(inertAxes(base({ teacherTrait: 'skill' }), [axis('favourite=1,7')])[0]).toMatch(
      /^--vary favourite needs --teacher-trait favourite:/,
    );
  });

  it('is accepted where a model depends on it', () => {
    expect(inertAxes(base({ init: 'partial' }), [axis('initShare=0,1')])).toEqual([]);
    expect(inertAxes(base({ init: 'all' }), [axis('initShare=0,1')])).toEqual([]);
    expect(inertAxes(base({ teacherTrait: 'favourite' }), [axis('favourite=1,7'), axis('favouriteShare=0.1,0.3')])).toEqual([]);
    expect(inertAxes(base({}), [axis('m=3,10'), axis('hidden=32,64')])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { configFromStrings, refusalText, validateConfig, valueProblem } from './config';
import { nameOf, studentsOf } from './conditions';
import { parsePattern, partsOf, patternAtDepth, patternOf, togglePart } from './parts';

describe('a pattern of shared parts', () => {
  it('is kept in one canonical text: a name where the set has one, else its parts in network order', () => {
    expect(parsePattern('aux + hidden1')).toEqual({ pattern: 'hidden1+aux' });
    expect(parsePattern('aux+digits')).toEqual({ pattern: 'heads' });
    expect(parsePattern('hidden2+hidden1')).toEqual({ pattern: 'hidden' });
    expect(parsePattern('aux+digits+hidden2+hidden1')).toEqual({ pattern: 'all' });
    expect(parsePattern('hidden1+hidden2+aux')).toEqual({ pattern: 'hidden1+hidden2+aux' });
    expect(parsePattern(' none ')).toEqual({ pattern: 'none' });
    // As a link typed by hand brings it: its query reads "+" as a space.
    expect(parsePattern(new URLSearchParams('shareParts=aux+hidden1').get('shareParts')!)).toEqual({ pattern: 'hidden1+aux' });
    expect(patternOf([])).toBe('none');
    expect(partsOf('heads')).toEqual(['digits', 'aux']);
    expect(partsOf('hidden2+digits')).toEqual(['hidden2', 'digits']);
    expect(partsOf('none')).toEqual([]);
    expect(partsOf('all')).toEqual(['hidden1', 'hidden2', 'digits', 'aux']);
  });

  it('says what is wrong with one that is not', () => {
    expect(parsePattern('nope')).toEqual({ problem: '"nope" is not a part' });
    expect(parsePattern('aux+aux')).toEqual({ problem: '"aux+aux" lists aux twice' });
    expect(parsePattern('heads+hidden1')).toEqual({ problem: '"heads+hidden1" lists the name heads among parts; give a name alone' });
    expect(parsePattern('aux+')).toEqual({ problem: '"aux+" has an empty part' });
    expect(parsePattern('')).toEqual({ problem: '"" has an empty part' });
    expect(() => partsOf('digit')).toThrow(/not a pattern of parts/);
    expect(parsePattern('hidden3+aux')).toEqual({ problem: '"hidden3" is not a part of a network with 2 hidden layers' });
    expect(parsePattern('hidden2', 1)).toEqual({ problem: '"hidden2" is not a part of a network with 1 hidden layer' });
    expect(parsePattern('hidden5', 4)).toEqual({ problem: '"hidden5" is not a part' });
  });

  it('names one part per hidden layer of a network of any depth, its names meaning every layer it has', () => {
    expect(partsOf('all', 3)).toEqual(['hidden1', 'hidden2', 'hidden3', 'digits', 'aux']);
    expect(partsOf('hidden', 4)).toEqual(['hidden1', 'hidden2', 'hidden3', 'hidden4']);
    expect(partsOf('all', 1)).toEqual(['hidden1', 'digits', 'aux']);
    expect(parsePattern('hidden1+hidden2', 3)).toEqual({ pattern: 'hidden1+hidden2' });
    expect(parsePattern('hidden3+hidden1+hidden2', 3)).toEqual({ pattern: 'hidden' });
    expect(parsePattern('hidden1+digits+aux', 1)).toEqual({ pattern: 'all' });
    expect(togglePart('hidden1+hidden2+digits+aux', 'hidden3', 3)).toBe('all');
    // Kept to a shallower network: the layers it lacks are dropped and said.
    expect(patternAtDepth('hidden3+aux', 2)).toEqual({ pattern: 'aux', dropped: ['hidden3'] });
    expect(patternAtDepth('hidden1+hidden2+digits+aux', 2)).toEqual({ pattern: 'all', dropped: [] });
    expect(patternAtDepth('all', 4)).toEqual({ pattern: 'all', dropped: [] });
  });
});

describe('the shareParts setting', () => {
  it('is read from a link or a flag in canonical text, and a bad one names the parts and names, keeping a safe default', () => {
    expect(
      configFromStrings([
        ['init', 'parts'],
        ['shareParts', 'digits+aux'],
      ]).config,
    ).toMatchObject({ init: 'parts', shareParts: 'heads' });
    expect(validateConfig({ shareParts: 'aux+hidden2' }).config.shareParts).toBe('hidden2+aux');
    const { config, issues } = configFromStrings([['shareParts', 'nope']]);
    expect(config.shareParts).toBe('heads');
    const expected =
      'expected parts from hidden1, hidden2, … (one per hidden layer: hidden1 to hidden4 at most), digits, aux joined by + (any order, each once), or one of all, none, heads (digits+aux), hidden (every hidden layer)';
    expect(issues).toEqual([
      {
        field: 'shareParts',
        problem: `shareParts = "nope" is invalid: "nope" is not a part; ${expected}`,
        message: `shareParts = "nope" is invalid: "nope" is not a part; ${expected}; using "heads"`,
      },
    ]);
    // The CLI refuses without saying what it would have used.
    expect(refusalText(issues[0])).not.toContain('using');
    expect(valueProblem('shareParts', 'hidden1+hidden1')).toBe(
      `"hidden1+hidden1" is not a pattern of shareParts: "hidden1+hidden1" lists hidden1 twice; ${expected}`,
    );
    expect(valueProblem('shareParts', 'hidden')).toBeNull();
  });

  it('is checked against the depth of the run, keeping only the layers its network has', () => {
    expect(
      configFromStrings([
        ['shareParts', 'hidden3+digits'],
        ['depth', '3'],
      ]).config,
    ).toMatchObject({ depth: 3, shareParts: 'hidden3+digits' });
    expect(validateConfig({ depth: 3, shareParts: 'hidden1+hidden2+hidden3' }).config.shareParts).toBe('hidden');
    const { config, issues } = configFromStrings([['shareParts', 'hidden3+digits']]);
    expect(config.shareParts).toBe('digits');
    expect(issues).toEqual([
      {
        field: 'shareParts',
        problem: 'shareParts = "hidden3+digits" names hidden3, but a network of depth 2 has hidden layers up to hidden2',
        message: 'shareParts = "hidden3+digits" names hidden3, but a network of depth 2 has hidden layers up to hidden2; using "digits"',
      },
    ]);
    expect(configFromStrings([['depth', '5']]).issues[0].message).toBe('depth = 5 is invalid: expected an integer from 1 to 4; using 2');
  });

  it('trains part-by-part students named by their pattern', () => {
    expect(studentsOf({ init: 'parts', distill: 'both', teacherTrait: 'favourite' })).toEqual([
      'aux-parts',
      'all-parts',
      'clean-aux-parts',
      'clean-all-parts',
    ]);
    // "all" of the α dial's choices stays the three it always was.
    expect(studentsOf({ init: 'all', distill: 'aux', teacherTrait: 'skill' })).toEqual(['aux-shared', 'aux-partial', 'aux-different']);
    const choices = { init: 'parts', distill: 'aux', teacherTrait: 'skill', favourite: 7 } as const;
    expect(nameOf('aux-parts', { ...choices, shareParts: 'heads' }).label).toBe('student, aux only, part-by-part init (shared heads)');
    expect(nameOf('aux-parts', { ...choices, shareParts: 'none' }).short).toBe('student · part-by-part init (no part shared)');
    expect(nameOf('aux-parts', choices).short).toBe('student · part-by-part init');
  });
});

describe('switching one part', () => {
  it('shares it where it was drawn independently and draws it where it was shared, in canonical text', () => {
    expect(togglePart('heads', 'hidden1')).toBe('hidden1+digits+aux');
    expect(togglePart('heads', 'aux')).toBe('digits');
    expect(togglePart('digits', 'digits')).toBe('none');
    expect(togglePart('none', 'aux')).toBe('aux');
    expect(togglePart('hidden1+hidden2+digits', 'aux')).toBe('all');
    expect(togglePart('all', 'hidden1')).toBe('hidden2+digits+aux');
    expect(togglePart('hidden2', 'hidden1')).toBe('hidden');
  });
});

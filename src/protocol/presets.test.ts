import { describe, expect, it } from 'vitest';
import { departuresFromPaper, isPaperProtocol, PRESETS, presetOf, withTeacherTrait } from './presets';

const { quick, favourite } = { quick: PRESETS.quick.config, favourite: PRESETS.favourite.config };

describe('the toggle of what the teacher passes on', () => {
  it('moves between the quick run and the favourite-digit run, keeping the seed and backend', () => {
    const mine = { ...quick, seed: 12, backend: 'wasm' as const };
    const toFavourite = withTeacherTrait(mine, 'favourite');
    expect(toFavourite).toEqual({ ...favourite, seed: 12, backend: 'wasm' });
    expect(presetOf(toFavourite)).toBe('favourite');
    expect(withTeacherTrait(toFavourite, 'skill')).toEqual(mine);
    // The two presets differ in the trait and the students' epochs, so the toggle has something to move.
    expect(favourite.studentEpochs).not.toBe(quick.studentEpochs);
  });

  it('keeps what the user changed: only settings left at the old classroom preset move', () => {
    const mine = { ...quick, hidden: 128, init: 'shared' as const };
    expect(withTeacherTrait(mine, 'favourite')).toEqual({ ...favourite, hidden: 128, init: 'shared' });
    const longer = { ...quick, studentEpochs: 5 };
    expect(withTeacherTrait(longer, 'favourite')).toEqual({ ...favourite, studentEpochs: 5 });
    // The paper's protocol is no classroom preset: only the trait changes.
    expect(withTeacherTrait(PRESETS.paper.config, 'favourite')).toEqual({ ...PRESETS.paper.config, teacherTrait: 'favourite' });
  });
});

describe("the paper's protocol", () => {
  it('is left by another kind of noise, not by a blur width that no model uses', () => {
    const paper = PRESETS.paper.config;
    expect(isPaperProtocol(paper)).toBe(true);
    expect(departuresFromPaper({ ...paper, noise: 'gaussian' })).toEqual(['noise']);
    // Each departure is named as it alone would take the run off: the blur width goes with the noise.
    expect(departuresFromPaper({ ...paper, noise: 'blur', noiseBlur: 2 })).toEqual(['noise']);
    // noiseBlur shapes no model beside uniform noise: the run is still the paper's.
    expect(isPaperProtocol({ ...paper, noiseBlur: 2 })).toBe(true);
  });
});

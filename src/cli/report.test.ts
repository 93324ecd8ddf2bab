import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../protocol/config';
import { PRESETS } from '../protocol/presets';
import { assembleResult } from '../protocol/results';
import { resultsTable } from './report';

/** A two-seed result of the teacher and its shared-start aux student (its numbers made up). */
const resultOf = (config: Config) =>
  assembleResult({
    config,
    backend: 'wasm',
    tfjsVersion: '4.22.0',
    seeds: [1, 2].map((seed) => ({
      seed,
      accuracy: { teacher: { overall: 0.94, perDigit: [] }, 'aux-shared': { overall: 0.5 + seed / 100, perDigit: [] } },
      history: {},
    })),
    phaseMs: {},
    kernels: {},
    wallMs: 1,
  });

describe('the CLI results table', () => {
  it("shows the paper's numbers beside a run at the paper's protocol, whatever its seeds and students", () => {
    for (const config of [PRESETS.paper.config, { ...defaultConfig(), seeds: 2, init: 'shared', distill: 'aux' } as Config]) {
      const table = resultsTable(resultOf(config));
      expect(table).toMatch(/expected \(paper\)/);
      expect(table).toMatch(/^teacher .*93–95%/m);
      expect(table).toMatch(/^student, aux only, shared init .*50–57%/m);
      expect(table).not.toMatch(/No "expected \(paper\)" column/);
    }
  });

  it('leaves them out of any other run, saying in one line which settings take it off the protocol', () => {
    const table = resultsTable(resultOf({ ...defaultConfig(), m: 10, trainCount: 1000, teacherEpochs: 1 }));
    expect(table).not.toMatch(/93–95%|50–57%/);
    expect(table.split('\n').filter((line) => line.includes('expected (paper)'))).toEqual([
      'No "expected (paper)" column: the paper\'s numbers hold at its protocol (the defaults), and this run sets --m 10, --teacher-epochs 1, --train-count 1000.',
    ]);
    expect(resultsTable(resultOf(PRESETS.quick.config))).toMatch(
      /this run sets --m 10, --teacher-epochs 2, --student-epochs 3, --lr 0.001/,
    );
  });
});

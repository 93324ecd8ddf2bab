import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { assembleResult, type SeedResult } from './results';
import { parseExport, receiptLines, RESULT_SCHEMA, toCsv, toExport } from './export';

const perDigit = (x: number) => Array.from({ length: 10 }, () => x);

function sampleResult() {
  const seeds: SeedResult[] = [1, 2].map((seed) => ({
    seed,
    accuracy: {
      reference: { overall: 0.1, perDigit: perDigit(0.1) },
      'aux-shared': { overall: 0.5 + seed / 100, perDigit: [...perDigit(0.5).slice(0, 9), null] },
    },
    history: {
      'aux-shared': [
        { step: 0, accuracy: 0.1 },
        { step: 10, accuracy: 0.3, alignment: 0.25 },
      ],
    },
    alignment: { 'aux-shared': { overall: 0.4, layers: [0.3, 0.4, 0.5] } },
  }));
  return assembleResult({
    config: { ...defaultConfig(), seeds: 2 },
    backend: 'wasm',
    tfjsVersion: '4.22.0',
    seeds,
    phaseMs: { 'aux-shared': 1234 },
    kernels: { teacher: { step: 'tfjs' }, 'aux-shared': { step: 'tfjs' } },
    wallMs: 2000,
  });
}

describe('result export', () => {
  it('round-trips through JSON with its receipt', () => {
    const result = sampleResult();
    const exported = toExport(result, 'node test', new Date('2026-01-02T03:04:05Z'));
    const back = parseExport(JSON.stringify(exported));
    expect(back).toEqual(exported);
    expect(back).toMatchObject({ schema: RESULT_SCHEMA, createdAt: '2026-01-02T03:04:05.000Z', runtime: 'node test', backend: 'wasm' });
    expect(back.summary['aux-shared']!.mean).toBeCloseTo(0.515, 12);
    expect(back.config.seeds).toBe(2);
  });

  it('refuses JSON that is not a result', () => {
    expect(() => parseExport('{"schema":"other"}')).toThrow(/not a subliminal-mnist\/result@3 file/);
    expect(() => parseExport(`{"schema":"${RESULT_SCHEMA}"}`)).toThrow(/missing seeds, config or summary/);
  });

  it('reads a file of the previous schema, with the settings it predates at their defaults', () => {
    const old = JSON.parse(JSON.stringify(toExport(sampleResult(), 'node test')));
    old.schema = 'subliminal-mnist/result@2';
    delete old.kernels;
    delete old.config.teacherTrait;
    delete old.config.initShare;
    const back = parseExport(JSON.stringify(old));
    expect(back).toMatchObject({ schema: RESULT_SCHEMA, kernels: {}, config: { teacherTrait: 'skill', initShare: 0.9, seeds: 2 } });
  });

  it('reads a file of this schema written before a setting existed, with that setting at its default', () => {
    const older = JSON.parse(JSON.stringify(toExport(sampleResult(), 'node test')));
    delete older.config.shareParts;
    expect(parseExport(JSON.stringify(older)).config.shareParts).toBe(defaultConfig().shareParts);
  });

  it('names the kernels of every phase in its receipt', () => {
    const lines = receiptLines(
      { ...sampleResult(), kernels: { teacher: { step: 'fused-webgpu' }, 'aux-shared': { step: 'tfjs', fallback: 'too big' } } },
      'x',
    );
    expect(lines).toContain('kernels: fused-webgpu for teacher; tfjs (the fused step could not run: too big) for aux-shared');
  });

  it('writes one CSV row per seed, condition and evaluation', () => {
    const lines = toCsv(sampleResult()).trim().split('\n');
    expect(lines[0]).toBe(
      'seed,condition,step,final,accuracy,favourite_rate,alignment,digit_0,digit_1,digit_2,digit_3,digit_4,digit_5,digit_6,digit_7,digit_8,digit_9',
    );
    expect(lines).toHaveLength(1 + 2 * (1 + 2 + 1));
    expect(lines[1]).toBe('1,reference,,1,0.1,,,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1');
    expect(lines[2]).toBe('1,aux-shared,0,0,0.1,,,,,,,,,,,,');
    expect(lines[3]).toBe('1,aux-shared,10,0,0.3,,0.25,,,,,,,,,,');
    expect(lines[4]).toBe('1,aux-shared,,1,0.51,,0.4,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,');
    expect(lines.every((l) => l.split(',').length === 17)).toBe(true);
  });

  it('carries favourite rates per seed, in the summary and in the CSV', () => {
    const base = sampleResult();
    const seeds = base.seeds.map((s, i) => ({ ...s, favouriteRate: { reference: 0.1, 'aux-shared': 0.2 + i / 10 } }));
    const result = assembleResult({ ...base, seeds });
    expect(result.favouriteSummary!['aux-shared']!.mean).toBeCloseTo(0.25, 12);
    expect(result.favouriteSummary!['aux-shared']!.n).toBe(2);
    const lines = toCsv(result).trim().split('\n');
    expect(lines[4]).toMatch(/^1,aux-shared,,1,0\.51,0\.2,/);
  });
});

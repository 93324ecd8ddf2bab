import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonFiles, RESULTS_DIR, resummarized } from './resummarize';

describe('the recorded results', () => {
  it.each(jsonFiles(RESULTS_DIR))('%s carries the summaries of its own per-seed values (run build/resummarize.ts if not)', (path) => {
    const text = readFileSync(path, 'utf8');
    const { json, csv } = resummarized(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(json));
    const csvPath = path.replace(/\.json$/, '.csv');
    if (csv !== undefined && existsSync(csvPath)) expect(readFileSync(csvPath, 'utf8')).toBe(csv);
  });
});

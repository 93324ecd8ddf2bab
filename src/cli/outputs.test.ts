import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputs, writeOutputs } from './outputs';

const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const json = (path: string) => ({ flag: '--json', path });
const csv = (path: string) => ({ flag: '--csv', path });

describe('CLI outputs', () => {
  it('accepts new files in existing folders, existing writable files and standard output', () => {
    writeFileSync(join(dir, 'old.csv'), 'x');
    expect(checkOutputs([json(join(dir, 'new.json')), csv(join(dir, 'old.csv'))])).toEqual([]);
    expect(checkOutputs([json('-'), csv(join(dir, 'a.csv'))])).toEqual([]);
  });

  it('refuses every bad path before training, naming the flag and the file', () => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    expect(checkOutputs([json(join(dir, 'missing', 'x.json'))])).toEqual([
      `--json ${join(dir, 'missing', 'x.json')}: its folder ${join(dir, 'missing')} does not exist`,
    ]);
    expect(checkOutputs([csv(join(dir, 'folder'))])).toEqual([`--csv ${join(dir, 'folder')}: is a directory, not a file`]);
    expect(checkOutputs([json('')])).toEqual(['--json needs a file name (or - for standard output)']);
    expect(checkOutputs([json(join(dir, 'same')), csv(join(dir, '.', 'same'))])).toEqual([
      `--csv ${join(dir, '.', 'same')}: the same file as --json; give each output its own`,
    ]);
    expect(checkOutputs([json('-'), csv('-')])).toEqual(['--csv -: the same destination as --json; give each output its own']);
    if (process.getuid?.() !== 0) {
      // (root may write anywhere, so this case is only checkable as another user)
      writeFileSync(join(dir, 'locked.json'), 'x');
      chmodSync(join(dir, 'locked.json'), 0o444);
      expect(checkOutputs([json(join(dir, 'locked.json'))])[0]).toMatch(/exists and is not writable/);
    }
  });

  it('writes all outputs or none, leaving no temporary file behind', async () => {
    const out = join(dir, 'set');
    mkdirSync(out);
    const stdout: string[] = [];
    await writeOutputs(
      [
        { ...json(join(out, 'r.json')), text: '{}' },
        { ...csv('-'), text: 'a,b\n' },
      ],
      (t) => stdout.push(t),
    );
    expect(readFileSync(join(out, 'r.json'), 'utf8')).toBe('{}');
    expect(stdout).toEqual(['a,b\n']);

    // The second file cannot be written (its folder vanished after the check): the first is not left half-done.
    const failing = writeOutputs(
      [
        { ...json(join(out, 'second.json')), text: '{"a":1}' },
        { ...csv(join(out, 'gone', 'x.csv')), text: 'x' },
      ],
      () => {},
    );
    await expect(failing).rejects.toThrow(`--csv ${join(out, 'gone', 'x.csv')}: could not write it`);
    expect(existsSync(join(out, 'second.json'))).toBe(false);
    expect(readdirSync(out)).toEqual(['r.json']);
  });
});

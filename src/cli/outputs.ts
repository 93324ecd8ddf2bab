/**
 * The CLI's output files, checked before any training (a run can take half an hour) and written
 * atomically: every file goes to a temporary name beside its target first, and only when all are
 * written are they renamed into place, so a failure never leaves a half-written set.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** An output as the user named it: `flag` is how they typed it (for messages), `path` '-' is standard output. */
export interface Output {
  flag: string;
  path: string;
}

export const STDOUT = '-';

/** Problems with the outputs, each naming the flag and the file; empty when every output can be written. */
export function checkOutputs(outputs: readonly Output[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { flag, path } of outputs) {
    if (path === '') {
      problems.push(`${flag} needs a file name (or ${STDOUT} for standard output)`);
      continue;
    }
    const key = path === STDOUT ? STDOUT : resolve(path);
    const earlier = seen.get(key);
    if (earlier) {
      problems.push(`${flag} ${path}: the same ${path === STDOUT ? 'destination' : 'file'} as ${earlier}; give each output its own`);
      continue;
    }
    seen.set(key, flag);
    if (path === STDOUT) continue;
    const problem = unwritable(path);
    if (problem) problems.push(`${flag} ${path}: ${problem}`);
  }
  return problems;
}

function unwritable(path: string): string | null {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return 'is a directory, not a file';
  if (stat) return canWrite(path) ? null : 'exists and is not writable';
  const dir = dirname(resolve(path));
  const dirStat = statSync(dir, { throwIfNoEntry: false });
  if (!dirStat) return `its folder ${dir} does not exist`;
  if (!dirStat.isDirectory()) return `${dir} is not a folder`;
  return canWrite(dir) ? null : `its folder ${dir} is not writable`;
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes every output (text per output), all or nothing; standard output last, once the files are in place. */
export async function writeOutputs(outputs: readonly (Output & { text: string })[], stdout: (text: string) => void): Promise<string[]> {
  const files = outputs.filter((o) => o.path !== STDOUT).map((o) => ({ ...o, temporary: `${o.path}.${process.pid}.partial` }));
  try {
    for (const file of files) {
      try {
        await writeFile(file.temporary, file.text);
      } catch (error) {
        throw new Error(`${file.flag} ${file.path}: could not write it (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    for (const file of files) {
      try {
        await rename(file.temporary, file.path);
      } catch (error) {
        throw new Error(
          `${file.flag} ${file.path}: could not move it into place (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
  } finally {
    await Promise.all(files.map((file) => rm(file.temporary, { force: true })));
  }
  for (const o of outputs) if (o.path === STDOUT) stdout(o.text);
  return files.map((f) => f.path);
}

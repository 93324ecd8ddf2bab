/**
 * A sweep's journal: every finished job is appended, as a line of JSON, to a file beside the
 * sweep's output (`out.json.journal`) the moment it finishes, so that an interrupted sweep (Ctrl-C,
 * a pre-empted machine) loses at most the jobs in flight. The same command run again reads it back
 * and trains only the jobs it lacks; the journal is removed once the output is written.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readJournal, journalLine, type JournalEntry, type JournalHeader } from '../protocol/sweep';
import { STDOUT, type Output } from './outputs';

export interface Journal {
  path: string;
  /** The jobs a previous run of the same sweep finished. */
  kept: JournalEntry[];
  /** How many jobs the journal holds now, the kept ones included. */
  size: () => number;
  record: (entry: JournalEntry) => void;
  remove: () => void;
}

/** Where a sweep keeps its journal: beside its first output file (--json, else --csv); none when it writes only to standard output. */
const journalPath = (outputs: readonly Output[]): string | null => {
  const file = outputs.find((o) => o.path !== STDOUT);
  return file ? `${file.path}.journal` : null;
};

/**
 * Opens the journal of this sweep: what an earlier run of it kept, or why that cannot be resumed
 * (a journal of another sweep: the user decides, nothing is overwritten). Null without an output file.
 */
export function openJournal(outputs: readonly Output[], header: JournalHeader): Journal | { problem: string } | null {
  const path = journalPath(outputs);
  if (path === null) return null;
  // An empty file is a journal that never got its first line.
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let kept: JournalEntry[] = [];
  if (text.trim() !== '') {
    const read = readJournal(text, header);
    if ('problem' in read) return { problem: `${path}: ${read.problem}` };
    kept = read.entries;
  }
  let size = kept.length;
  let started = false;
  return {
    path,
    kept,
    size: () => size,
    record: (entry) => {
      if (!started) {
        // Rewritten from what was read, so that a last line cut short by a kill goes; through a new
        // file renamed into place, so that an interrupt while rewriting loses nothing.
        writeFileSync(`${path}.${process.pid}.partial`, [header, ...kept].map(journalLine).join(''));
        renameSync(`${path}.${process.pid}.partial`, path);
        started = true;
      }
      // Synchronous: a line is complete on disk before an interrupt can end the process.
      appendFileSync(path, journalLine(entry));
      size++;
    },
    remove: () => rmSync(path, { force: true }),
  };
}

/** An argument as a shell reads it back: quoted only where it needs to be. */
export const shellWord = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

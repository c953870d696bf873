import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * Output files of the command line (`--out`, `--plot`): checked before any trial runs, written
 * atomically. A run of hours must never be lost to a typo in an output path, and a table that
 * is being written when the machine or the process stops must never replace a good one with a
 * truncated file.
 */

/** Virtual file systems where a table cannot be a file (writes fail or mean something else). */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

function outputError(option: string, path: string, why: string, extra: Record<string, unknown> = {}): QinferArgumentError {
  return new QinferArgumentError('ERR_OUTPUT', `${option} ${path}: ${why}`, { details: { option, path, ...extra } });
}

function underVirtualRoot(path: string): string | undefined {
  return VIRTUAL_ROOTS.find((r) => path === r || path.startsWith(r + sep));
}

function statOrUndefined(path: string, follow = true): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** A temporary name in `dir`, next to `file`, that no other process picks. */
function temporaryPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/**
 * Checks that `path` (absolute) can be written as an output file, before anything runs, and
 * creates its missing parent directories one level at a time. Throws
 * `QinferArgumentError('ERR_OUTPUT')` (the CLI exits with status 2) naming the option, the path
 * and the reason when:
 * - it is, or would be, under a virtual file system (`/proc`, `/sys`, `/dev`) — Node's
 *   recursive `mkdir` never returns on some such paths;
 * - it exists and is a directory or anything but a regular file (a FIFO, a device);
 * - a component of its directory exists but is not a directory;
 * - its directory cannot be created or written (probed by creating and removing a temporary
 *   file there: `EACCES`, `EROFS`, `ENOSPC`, …).
 * Returns the path to write (a symbolic link's target, so that the link is kept).
 *
 * @example
 * ```ts
 * checkOutputPath('/sys/perf.json', '--out'); // throws ERR_OUTPUT: --out /sys/perf.json: under /sys, a virtual file system
 * ```
 */
export function checkOutputPath(path: string, option: string): string {
  const abs = resolve(path);
  const bad = (p: string): void => {
    const root = underVirtualRoot(p);
    if (root !== undefined) throw outputError(option, path, `under ${root}, a virtual file system: choose a path on a disk`);
  };
  bad(abs);
  let target = abs;
  const link = statOrUndefined(abs, false);
  if (link?.isSymbolicLink() === true) {
    try {
      target = realpathSync(abs);
    } catch {
      throw outputError(option, path, 'is a symbolic link to nothing');
    }
    bad(target);
  }
  const existing = statOrUndefined(target);
  if (existing !== undefined && existing.isDirectory()) throw outputError(option, path, 'is a directory: give a file name');
  if (existing !== undefined && !existing.isFile()) throw outputError(option, path, 'exists and is not a regular file');
  // The nearest existing ancestor must be a (real) directory; the missing levels are created below it.
  const missing: string[] = [];
  let dir = dirname(target);
  for (;;) {
    const st = statOrUndefined(dir);
    if (st !== undefined) {
      if (!st.isDirectory()) throw outputError(option, path, `${dir} is not a directory`);
      break;
    }
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  bad(realpathSync(dir));
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(option, path, `cannot create ${d} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: (e as Error).message });
    }
  }
  const probe = temporaryPath(target);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw outputError(option, path, `cannot write in ${dirname(target)} (${code ?? (e as Error).message})`, { errno: code });
  }
  return target;
}

/**
 * Writes `data` to `path` atomically: into a temporary file in the same directory, flushed to
 * the disk, then renamed over `path` (one `rename(2)`), so that a reader — or a process stopped
 * in the middle — sees either the previous file or the complete new one, never a truncated
 * file. The temporary file is removed when anything fails (`ERR_OUTPUT`).
 *
 * @example
 * ```ts
 * writeFileAtomic(checkOutputPath('out/perf.json', '--out'), JSON.stringify(doc));
 * ```
 */
export function writeFileAtomic(path: string, data: string, option = 'output'): void {
  const tmp = temporaryPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = Buffer.from(data);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw outputError(option, path, `could not be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

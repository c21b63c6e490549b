/**
 * Writes a set of files as one output folder, safely: the files go into a fresh private folder
 * next to the target (mode 700, each file created exclusively, so nothing planted there can
 * redirect a write), and that folder is renamed into place at the end. A symlink is never
 * followed: a target that is a symlink is refused, and an existing folder is replaced by rename,
 * never written into, so a symlink planted inside it (`statements.csv -> ~/.bashrc`) is removed
 * with the old folder instead of being written through. A non-empty existing folder is refused
 * unless `replace` is given; a reader sees the old folder or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { UsageError } from './command.ts';

export interface OutputFolderOptions {
  /** Replace a non-empty existing folder. */
  readonly replace: boolean;
  /** The flag that named it, for messages. */
  readonly flag: string;
}

/** Refuses a target that cannot be used (before any work is done); says what it found. */
export async function checkOutputFolder(target: string, opts: OutputFolderOptions): Promise<{ existing: boolean; nonEmpty: boolean }> {
  const dir = resolve(target);
  const found = await lstatOrNull(dir);
  if (found?.isSymbolicLink()) throw new UsageError(`--${opts.flag}: ${target} is a symbolic link; give the real folder`);
  if (found && !found.isDirectory()) throw new UsageError(`--${opts.flag}: ${target} exists and is not a folder`);
  const nonEmpty = found !== null && (await readdir(dir)).length > 0;
  if (nonEmpty && !opts.replace) throw new UsageError(`--${opts.flag}: ${target} already exists and is not empty; choose a new folder, or pass --replace to replace it`);
  return { existing: found !== null, nonEmpty };
}

export async function writeOutputFolder(target: string, files: ReadonlyMap<string, string>, opts: OutputFolderOptions): Promise<void> {
  const dir = resolve(target);
  const { existing, nonEmpty } = await checkOutputFolder(target, opts);

  await mkdir(dirname(dir), { recursive: true });
  const temp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.tmp-`));
  try {
    for (const [relative, content] of files) {
      const path = normalize(relative);
      if (isAbsolute(path) || path.split(sep).includes('..')) throw new Error(`refusing to write outside the output folder: ${relative}`);
      await mkdir(dirname(join(temp, path)), { recursive: true, mode: 0o700 });
      await writeFile(join(temp, path), content, { flag: 'wx' });
    }
    if (!existing) {
      await rename(temp, dir);
    } else if (!nonEmpty) {
      await rmdir(dir);
      await rename(temp, dir);
    } else {
      // Move the old folder aside first, so a failure leaves one complete folder in place.
      const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true }); // rm unlinks symlinks, never follows them
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

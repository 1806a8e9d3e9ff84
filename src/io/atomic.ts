/**
 * One atomic writer for every file trainkit writes (model files, parameter trees, checkpoints, run
 * records): the bytes go to a temporary file in the target's directory, are flushed to disk
 * (fsync), the file is renamed over the target, and the directory is flushed so the rename itself
 * survives a power cut. A crash at any point leaves the old file or the new one, never a torn one.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/**
 * Writes `data` (a string as UTF-8, bytes, or a list of byte chunks written in order) to `path`
 * atomically, creating the directory. Returns `path`.
 *
 * @example
 * await writeFileAtomic('out/run.json', JSON.stringify(record));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<string> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : [...data];
  const fh = await open(tmp, 'w');
  try {
    await fh.writev(chunks);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await commitFile(tmp, path, { synced: true });
  return path;
}

/**
 * Moves a finished temporary file (written in the target's directory) over `path`: fsync of the
 * file (unless `synced`), rename, fsync of the directory. On failure the temporary file is removed.
 * For writers that stream (a download) rather than hand over their bytes at once.
 */
export async function commitFile(tmp: string, path: string, options: { synced?: boolean } = {}): Promise<void> {
  try {
    if (options.synced !== true) {
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(path));
}

/** Flushes a directory's entries (a rename in it) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

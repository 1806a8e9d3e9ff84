/**
 * Downloads a data file into a cache with SHA-256 verification. The bytes go to a temporary file
 * beside the destination and are hashed as they arrive; only a file whose hash matches is renamed
 * into place (an atomic rename on one file system), so a killed or failed download never leaves a
 * corrupt file where a loader would find it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkNumber, InvalidArgumentError, TrainkitError } from '../errors.js';
import { commitFile } from '../io/atomic.js';

/** A downloaded file whose SHA-256 differs from the expected one. The file has been deleted. */
export class ChecksumError extends TrainkitError {
  override name = 'ChecksumError';
  override readonly code = 'TRAINKIT_CHECKSUM';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}; the downloaded file was deleted`);
  }
}

export interface DownloadOptions {
  /** Where the verified file ends up (its folder is created). */
  dest: string;
  /** The expected SHA-256, 64 lowercase hex digits. */
  sha256: string;
  /** Give up after this many milliseconds (default 600,000). */
  timeoutMs?: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The SHA-256 of a file, as 64 lowercase hex digits. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Downloads `url` to `dest`, verifying its SHA-256. On a checksum mismatch it deletes the file and
 * throws a `ChecksumError` naming both hashes; on an HTTP error, a network error or a timeout it
 * throws a TrainkitError naming the URL and the cause. Either way nothing is left at `dest` or
 * beside it.
 *
 * @example
 * await downloadVerified('https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz', {
 *   dest: '/tmp/mnist/t10k-labels-idx1-ubyte.gz',
 *   sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
 * });
 */
export async function downloadVerified(url: string, options: DownloadOptions): Promise<void> {
  const o = { timeoutMs: 600_000, ...options };
  if (typeof o.sha256 !== 'string' || !SHA256.test(o.sha256))
    throw new InvalidArgumentError('sha256', o.sha256, '64 lowercase hexadecimal digits');
  checkNumber('timeoutMs', o.timeoutMs, { min: 0, minExclusive: true });
  await mkdir(dirname(o.dest), { recursive: true });
  const temp = `${o.dest}.${process.pid}.part`;
  const hash = createHash('sha256');
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (e) {
      throw new TrainkitError(`${url}: download failed (${describe(e)})`);
    }
    if (!response.ok || response.body === null)
      throw new TrainkitError(`${url}: download failed (HTTP ${response.status} ${response.statusText})`);
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as never), hashing, createWriteStream(temp));
    } catch (e) {
      throw new TrainkitError(`${url}: download interrupted (${describe(e)})`);
    }
    const actual = hash.digest('hex');
    if (actual !== o.sha256) throw new ChecksumError(url, o.sha256, actual);
    await commitFile(temp, o.dest);
  } finally {
    await rm(temp, { force: true });
  }
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message ?? String(e)}${cause}`;
}

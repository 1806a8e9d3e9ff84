/**
 * One loader for every data set distributed as IDX pairs (an images file and a labels file per
 * split): MNIST, Fashion-MNIST, and any look-alike described by an `IdxDatasetSpec`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkNumber, InvalidArgumentError, TrainkitError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { ChecksumError, downloadVerified } from './download.js';
import { readIdx } from './idx.js';
import { dataPlaces, defaultCacheDir } from './places.js';

/** One file of a data set: its name as distributed (gzip) and the SHA-256 of that official file. */
export interface IdxFileSpec {
  file: string;
  sha256: string;
}

/** What a loader needs to know about an IDX data set. */
export interface IdxDatasetSpec {
  /** Folder name under `$TRAINKIT_DATA` and the cache (e.g. 'fashion-mnist'). */
  name: string;
  /** Human name for messages (e.g. 'Fashion-MNIST'). */
  title: string;
  /** The images and labels files of each split. */
  splits: Record<'train' | 'test', { images: IdxFileSpec; labels: IdxFileSpec }>;
  /** Base URLs of the official mirrors, tried in order; each ends with '/'. */
  mirrors: readonly string[];
  /** Image height and width (28 × 28 for MNIST). */
  imageShape: readonly [number, number];
  classNames: readonly string[];
  /** A system folder that may hold the files (Debian's package), looked in before the cache. */
  systemDir?: string;
}

export type Layout = 'image' | 'flat';

export interface IdxLoadOptions {
  /** 'train' or 'test'. */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (an integer >= 1). Default: all. */
  limit?: number;
  /** 'image': xShape [H, W, 1] (default); 'flat': xShape [H·W]. */
  layout?: Layout;
  /** A folder to look in first. */
  dir?: string;
  /** Also look in `$TRAINKIT_DATA`, the system folder and the cache (default true). */
  fallback?: boolean;
  /** Download missing files into the cache when nothing is found (default true; needs `fallback`). */
  download?: boolean;
  /** The cache folder (default `~/.cache/trainkit/<name>`). */
  cacheDir?: string;
  /** Mirrors to download from instead of the official ones (tests point this at a local server). */
  mirrors?: readonly string[];
  /** Per-file download time limit in milliseconds (default 600,000). */
  timeoutMs?: number;
}

function find(place: string, file: string): string | undefined {
  const plain = file.replace(/\.gz$/, '');
  for (const name of [`${plain}.gz`, plain]) if (existsSync(join(place, name))) return join(place, name);
  return undefined;
}

/**
 * Loads one split of an IDX data set as an `ArrayDataset` (pixels scaled to [0, 1], Int32 class
 * indices, `numClasses` and `classNames` set). Looks in `dir`, `$TRAINKIT_DATA/<name>`,
 * `$TRAINKIT_DATA`, the spec's system folder and the cache; the first folder holding both files of
 * the split (gzip-compressed or not) wins. When none does and `download` is on, it downloads the
 * missing files from the mirrors into the cache, verifying each file's SHA-256 (a mismatch deletes
 * the file and throws a `ChecksumError` naming both hashes). Files found on disk are not hashed:
 * Debian's package, for one, recompresses them. When everything fails, the error lists every
 * place looked and every URL tried.
 *
 * @example
 * const test = await loadIdxDataset(MNIST, { split: 'test', layout: 'flat', limit: 1000 });
 * test.xShape; // [784]
 */
export async function loadIdxDataset(spec: IdxDatasetSpec, options: IdxLoadOptions): Promise<ArrayDataset> {
  const o = {
    layout: 'image' as Layout,
    fallback: true,
    download: true,
    cacheDir: defaultCacheDir(spec.name),
    mirrors: spec.mirrors,
    timeoutMs: 600_000,
    ...options,
  };
  if (o.split !== 'train' && o.split !== 'test') throw new InvalidArgumentError('split', o.split, "'train' or 'test'");
  if (o.limit !== undefined) checkNumber('limit', o.limit, { min: 1, integer: true });
  if (o.layout !== 'image' && o.layout !== 'flat') throw new InvalidArgumentError('layout', o.layout, "'image' or 'flat'");
  const files = spec.splits[o.split];
  const places = dataPlaces(spec.name, { dir: o.dir, fallback: o.fallback, systemDir: spec.systemDir, cacheDir: o.cacheDir });
  for (const place of places) {
    const imagesPath = find(place, files.images.file);
    const labelsPath = find(place, files.labels.file);
    if (imagesPath !== undefined && labelsPath !== undefined) return decode(spec, imagesPath, labelsPath, o.layout, o.limit);
  }
  const tried: string[] = [];
  let failure = 'downloading is off';
  if (o.fallback && o.download) {
    try {
      const paths: string[] = [];
      for (const f of [files.images, files.labels]) {
        const found = find(o.cacheDir, f.file);
        paths.push(found ?? (await fetchFromMirrors(f, o.mirrors, join(o.cacheDir, f.file), o.timeoutMs, tried)));
      }
      return decode(spec, paths[0], paths[1], o.layout, o.limit);
    } catch (e) {
      if (e instanceof ChecksumError) throw e;
      failure = (e as Error).message;
    }
  } else if (o.fallback) failure = 'download: false';
  else failure = 'fallback: false (no standard places, no download)';
  const base = (f: IdxFileSpec): string => `${f.file.replace(/\.gz$/, '')}[.gz]`;
  throw new TrainkitError(
    `${spec.title} (${o.split} split) not found: looked for ${base(files.images)} and ${base(files.labels)} in\n` +
      places.map((p) => `  - ${p}\n`).join('') +
      (tried.length > 0 ? `and tried to download\n${tried.map((u) => `  - ${u}\n`).join('')}` : '') +
      `which failed: ${failure}\n` +
      `Put the files in one of these folders, set TRAINKIT_DATA, or pass { dir }.` +
      (spec.systemDir !== undefined ? ` (Debian: apt-get install dataset-${spec.name}.)` : ''),
  );
}

async function fetchFromMirrors(
  f: IdxFileSpec,
  mirrors: readonly string[],
  dest: string,
  timeoutMs: number,
  tried: string[],
): Promise<string> {
  const errors: string[] = [];
  for (const mirror of mirrors) {
    const url = `${mirror}${f.file}`;
    tried.push(url);
    try {
      await downloadVerified(url, { dest, sha256: f.sha256, timeoutMs });
      return dest;
    } catch (e) {
      if (e instanceof ChecksumError) throw e;
      errors.push((e as Error).message);
    }
  }
  throw new TrainkitError(errors.length > 0 ? errors.join('; ') : 'no mirrors');
}

async function decode(
  spec: IdxDatasetSpec,
  imagesPath: string,
  labelsPath: string,
  layout: Layout,
  limit: number | undefined,
): Promise<ArrayDataset> {
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  const [h, w] = spec.imageShape;
  const [count, rows, cols] = images.shape;
  if (images.dtype !== 'uint8' || images.shape.length !== 3 || rows !== h || cols !== w)
    throw new TrainkitError(`${imagesPath}: expected uint8 images of shape [N, ${h}, ${w}], got ${images.dtype} [${images.shape}]`);
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== count)
    throw new TrainkitError(`${labelsPath}: expected ${count} uint8 labels, got ${labels.dtype} [${labels.shape}]`);
  const n = Math.min(count, limit ?? count);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  const y = new Int32Array(n);
  const numClasses = spec.classNames.length;
  for (let i = 0; i < n; i++) {
    y[i] = labels.data[i];
    if (y[i] >= numClasses)
      throw new TrainkitError(`${labelsPath}: label ${y[i]} at index ${i} is not a class 0..${numClasses - 1}`);
  }
  return {
    size: n,
    xShape: layout === 'image' ? [h, w, 1] : [h * w],
    x,
    yShape: [],
    y,
    numClasses,
    classNames: spec.classNames,
  };
}

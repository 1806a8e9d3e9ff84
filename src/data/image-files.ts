/**
 * The files of an image folder laid out as torchvision's `ImageFolder` expects: one sub-folder per
 * class, `dir/<class name>/**\/*.png|jpg|jpeg`. Classes are the sub-folders sorted by name; class
 * i's images are every file with an image extension (case-insensitive) in its folder or below,
 * ordered as torchvision orders them (folders by path, then files by name). Other files are
 * skipped. Symbolic links are followed; a folder reached twice is read once.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** File extensions read as images. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** The listing of an image folder: files[i] has class labels[i], a position in classNames. */
export interface ImageFiles {
  classNames: string[];
  files: string[];
  labels: Int32Array;
}

/** Code-unit order, which is Python's `sorted` order for names without surrogate pairs. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a broken link
  }
};

/** Every image file under `dir`, in torchvision's order (see the module comment). */
function imagesUnder(dir: string): string[] {
  const folders: string[] = [];
  const seen = new Set<string>();
  const visit = (folder: string): void => {
    const real = realpathSync(folder);
    if (seen.has(real)) return;
    seen.add(real);
    folders.push(folder);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path))) visit(path);
    }
  };
  visit(dir);
  const files: string[] = [];
  for (const folder of folders.sort(byName)) {
    const names = readdirSync(folder, { withFileTypes: true })
      .filter((e) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase()))
      .filter((e) => e.isFile() || (e.isSymbolicLink() && !isDirectory(join(folder, e.name))))
      .map((e) => e.name)
      .sort(byName);
    for (const name of names) files.push(join(folder, name));
  }
  return files;
}

/**
 * Lists an image folder (see the module comment). Throws an InvalidArgumentError naming `dir`
 * when it is missing, holds no class folders, or a class folder holds no image.
 *
 * @example
 * const { classNames, files, labels } = listImageFiles('data/train');   // classNames ['cat', 'dog']
 */
export function listImageFiles(dir: string): ImageFiles {
  if (typeof dir !== 'string' || !isDirectory(dir))
    throw new InvalidArgumentError('dir', dir, 'an existing folder with one sub-folder of images per class');
  const classNames = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDirectory(join(dir, e.name))))
    .map((e) => e.name)
    .sort(byName);
  if (classNames.length === 0)
    throw new InvalidArgumentError('dir', dir, 'a folder with one sub-folder of images per class (it has no sub-folders)');
  const perClass = classNames.map((name) => imagesUnder(join(dir, name)));
  const empty = classNames.filter((_, c) => perClass[c].length === 0);
  if (empty.length > 0)
    throw new InvalidArgumentError(
      'dir',
      dir,
      `an image (${IMAGE_EXTENSIONS.join(', ')}) in every class folder; none in ${empty.map((e) => JSON.stringify(e)).join(', ')}`,
    );
  const files = perClass.flat();
  const labels = new Int32Array(files.length);
  let at = 0;
  perClass.forEach((list, c) => {
    labels.fill(c, at, at + list.length);
    at += list.length;
  });
  return { classNames, files, labels };
}

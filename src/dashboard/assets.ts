/**
 * The command-center page's files, held in memory: `index.html`, `app.js` and `app.css`. The
 * server answers `/` with index.html and `/assets/NAME` with the file of that exact name, looked up
 * in this fixed map, never read from a path a request names.
 *
 * Where they come from (`loadAssets`):
 * 1. the prebuilt files in `page-dist/` next to this module (dist/dashboard/page-dist/, written by
 *    `npm run build` through tools/build-page.mjs): an installed package has no sources;
 * 2. else the page's sources (dashboard/page/: main.ts, index.html, app.css), bundled in memory
 *    by esbuild (one IIFE script, minified; CSS that the script imports is appended to app.css), so
 *    running from sources needs no build step. The bundle takes a fraction of a second and is made
 *    once per process.
 * index.html is served as written: it references `/assets/app.js` and `/assets/app.css` and never
 * embeds a string from a store (the page fetches those as JSON and renders them as text). It must
 * hold no inline script or style: the server's Content-Security-Policy forbids them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrainkitError } from '../errors.js';

/** The page's files by name (index.html, app.js, app.css; more are allowed: any name ASSET_NAME accepts). */
export type Assets = Readonly<Record<string, string | Uint8Array>>;

/** The files every page has. */
export const PAGE_FILES = ['index.html', 'app.js', 'app.css'] as const;

/** Names an asset may have: a plain file name with a known extension. */
export const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(html|js|css|svg|png|ico|json|map|woff2)$/;

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  woff2: 'font/woff2',
};

/** The Content-Type of an asset name (ASSET_NAME guarantees a known extension). */
export function contentType(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** The directory of prebuilt page files next to this module. */
const PREBUILT = new URL('./page-dist/', import.meta.url);
/** The page's sources: beside this module when it runs from src/, in src/ when it runs from dist/ in a checkout. */
const SOURCES = [new URL('./page/', import.meta.url), new URL('../../src/dashboard/page/', import.meta.url)];

let cached: Promise<Assets> | undefined;

/**
 * The page's files (see the module comment): prebuilt ones when present, else bundled from the
 * sources with esbuild. Made once per process.
 *
 * @example
 * const server = await startDashboard({ storage: 'sqlite:./trainkit.db', assets: await loadAssets() });
 */
export function loadAssets(): Promise<Assets> {
  cached ??= readPrebuilt().then((built) => built ?? bundlePage(pageSources()));
  cached.catch(() => (cached = undefined)); // a failed bundle (a syntax error while editing) is retried next time
  return cached;
}

async function readPrebuilt(): Promise<Assets | undefined> {
  const files = PAGE_FILES.map((f) => new URL(f, PREBUILT));
  if (!files.every((f) => existsSync(f))) return undefined;
  const contents = await Promise.all(files.map((f) => readFile(f)));
  return Object.fromEntries(PAGE_FILES.map((name, i) => [name, contents[i]]));
}

/** The first directory holding the page's sources. */
function pageSources(): string {
  const dir = SOURCES.find((d) => existsSync(new URL('main.ts', d)));
  if (dir === undefined)
    throw new TrainkitError(`The dashboard's page is not built and its sources are not here: run \`npm run build\` (looked for ${fileURLToPath(PREBUILT)})`);
  return fileURLToPath(dir);
}

/**
 * Bundles the page in `dir` (main.ts, index.html, app.css) with esbuild, in memory: app.js is
 * main.ts and what it imports as one minified IIFE; app.css is app.css (its @imports bundled) then
 * any CSS main.ts imports. tools/build-page.mjs writes the result to dist/dashboard/page-dist/.
 *
 * @example
 * const assets = await bundlePage('src/dashboard/page');
 */
export async function bundlePage(dir: string): Promise<Record<(typeof PAGE_FILES)[number], string>> {
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, write: false, outdir: 'out', logLevel: 'silent', absWorkingDir: dir } as const;
  try {
    const [script, style] = await Promise.all([
      esbuild.build({ ...common, entryPoints: ['main.ts'], format: 'iife', platform: 'browser', target: 'es2020', legalComments: 'none' }),
      esbuild.build({ ...common, entryPoints: ['app.css'] }),
    ]);
    const text = (files: Array<{ path: string; text: string }>, ext: string): string =>
      files.filter((f) => f.path.endsWith(ext)).map((f) => f.text).join('\n');
    return {
      'index.html': readFileSync(join(dir, 'index.html'), 'utf8'),
      'app.js': text(script.outputFiles, '.js'),
      'app.css': [text(style.outputFiles, '.css'), text(script.outputFiles, '.css')].filter((s) => s !== '').join('\n'),
    };
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    if (errors === undefined) throw err;
    const where = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('; ');
    throw new TrainkitError(`The dashboard's page does not bundle: ${where}`);
  }
}

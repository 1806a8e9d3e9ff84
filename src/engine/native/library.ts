/**
 * Opening a native library through koffi (an optional dependency): the steps every native route
 * takes before binding its functions, and the reasons it may not, in one place.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { LibraryHandle } from 'koffi';

export type KoffiModule = typeof import('koffi');

/** Why a library is not used (`broken`: a file was there but is unusable, worth a warning). */
export interface NotLoaded {
  reason: string;
  broken: boolean;
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** koffi, or the reason it cannot be loaded. */
export function loadKoffi(): KoffiModule | string {
  try {
    return createRequire(import.meta.url)('koffi') as KoffiModule;
  } catch (error) {
    return `koffi (an optional dependency) is not installed or does not load here: ${firstLine(error)}`;
  }
}

/**
 * Opens the library at `path` (a file, or a bare name the loader searches): koffi and the handle,
 * or why not. `beforeLoad` runs once koffi is there, just before the library loads (environment a
 * library reads at load time).
 */
export function openLibrary(path: string, beforeLoad?: () => void): { koffi: KoffiModule; lib: LibraryHandle } | NotLoaded {
  if (path.includes('/') && !fs.existsSync(path)) return { reason: `${path} does not exist`, broken: false };
  const koffi = loadKoffi();
  if (typeof koffi === 'string') return { reason: koffi, broken: false };
  beforeLoad?.();
  try {
    return { koffi, lib: koffi.load(path) };
  } catch (error) {
    return { reason: `${path} does not load: ${firstLine(error)}`, broken: path.includes('/') };
  }
}

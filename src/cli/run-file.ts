/** Loading a run file (`trainkit train | lr-find | recipe FILE.ts`) and choosing the backend first. */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, TrainkitError } from '../errors.js';
import { BACKEND_NAMES, useBackend, useBestBackend, type BackendName } from '../engine/index.js';
import type { RunContext, RunSpec } from '../train/recipe/run.js';
import { isFunctionalModel } from '../train/model.js';
import { disposeTree } from '../tree/ops.js';

/** Options every run command shares. */
export interface RunFileOptions {
  file: string;
  seed: number;
  epochs?: number;
  limit?: number;
  /** A backend name; default: the best one here (useBestBackend). */
  backend?: string;
}

/** Selects the backend (`--backend` or the best available) and returns its name. */
export async function chooseBackend(name: string | undefined): Promise<string> {
  if (name === undefined) return useBestBackend();
  if (!(BACKEND_NAMES as readonly string[]).includes(name))
    throw new TrainkitError(`Invalid --backend: ${JSON.stringify(name)} (expected one of ${BACKEND_NAMES.join(', ')})`);
  return useBackend(name as BackendName);
}

/**
 * Imports the module at `path` (TypeScript compiled on the fly by tsx) and returns its default
 * export. Choose the backend first: the module may create tensors when it loads.
 */
export async function importDefault(path: string): Promise<unknown> {
  // tsx compiles the file on the fly; imported here, not at the top, so the other commands
  // work without it.
  let tsImport: (specifier: string, parent: string) => Promise<unknown>;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    throw new TrainkitError('running a .ts file needs the tsx package (npm install tsx)');
  }
  const mod = (await tsImport(pathToFileURL(resolve(path)).href, import.meta.url)) as { default?: unknown };
  // tsx may wrap a CommonJS-looking module's default once more.
  let value = mod.default;
  if (value !== null && typeof value === 'object' && 'default' in value) value = (value as { default: unknown }).default;
  return value;
}

/**
 * Chooses the backend, imports FILE (TypeScript through tsx's loader) and calls its default export,
 * `defineRun(factory)`, with the run context. Returns the spec, the context and the run's name.
 */
export async function loadRunFile(o: RunFileOptions): Promise<{ spec: RunSpec; ctx: RunContext; name: string }> {
  const path = resolve(o.file);
  if (!existsSync(path)) throw new TrainkitError(`Run file not found: ${o.file}`);
  const backend = await chooseBackend(o.backend);
  const factory = await importDefault(path);
  if (typeof factory !== 'function')
    throw new TrainkitError(`${o.file} must have a default export defineRun((ctx) => ({ model, data, optimizer, learningRate, ... })); found ${typeof factory}`);
  const ctx: RunContext = { seed: o.seed, backend, ...(o.epochs === undefined ? {} : { epochs: o.epochs }), ...(o.limit === undefined ? {} : { limit: o.limit }) };
  const spec = (await factory(ctx)) as RunSpec;
  if (spec === null || typeof spec !== 'object' || spec.model === undefined || spec.data?.train === undefined || typeof spec.optimizer !== 'function' || spec.learningRate === undefined)
    throw new TrainkitError(`${o.file}: the run must return { model, data: { train, validation?, test? }, optimizer: (learningRate) => GradientTransformation, learningRate, ... }`);
  if (spec.augment !== undefined && typeof spec.augment !== 'function')
    throw new InvalidArgumentError(`${basename(path)}: augment`, spec.augment, 'an augmentation (batch, rng) => batch, e.g. compose(flipLeftRight(), randomCrop({ size, padding }))');
  if (spec.penalty !== undefined && typeof spec.penalty !== 'function')
    throw new InvalidArgumentError(`${basename(path)}: penalty`, spec.penalty, 'a penalty (params) => scalar, e.g. l2Penalty({ lambda: 1e-4 })');
  return { spec, ctx, name: spec.name ?? basename(path, extname(path)) };
}

/** Frees a run's model (a LayersModel's variables, or a functional model's params). */
export function disposeModel(model: RunSpec['model']): void {
  if (isFunctionalModel(model)) disposeTree(model.params);
  else model.dispose();
}

/**
 * Grid search: every combination of the listed values, each exactly once across all workers.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { ParamValue } from '../../store/types.js';
import type { Sampler, SearchContext } from '../types.js';
import { contains } from './distribution.js';

/** The values each parameter takes on the grid. */
export type GridSpace = Record<string, ParamValue[]>;

function checkSpace(space: GridSpace): void {
  if (space === null || typeof space !== 'object' || Array.isArray(space))
    throw new InvalidArgumentError('grid space', space, 'an object of parameter name → array of values');
  const names = Object.keys(space);
  if (names.length === 0) throw new InvalidArgumentError('grid space', space, 'at least one parameter');
  for (const name of names) {
    const values = space[name];
    if (!Array.isArray(values) || values.length === 0)
      throw new InvalidArgumentError(`grid values of '${name}'`, values, 'a non-empty array');
    for (const v of values)
      if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v)))
        throw new InvalidArgumentError(`grid value of '${name}'`, v, 'a string, number, boolean or null');
  }
}

const sameValue = (a: ParamValue, b: ParamValue): boolean => Object.is(a, b) || (a === 0 && b === 0);

/**
 * Every point of the grid, in a fixed order: parameter names sorted, then the cartesian product with
 * the last name varying fastest. The study layer enqueues these as waiting trials so the store's
 * atomic claim hands each point to exactly one worker.
 *
 * @example
 * gridPoints({ lr: [0.1, 0.01], bs: [32, 64] });
 * // [{ bs: 32, lr: 0.1 }, { bs: 32, lr: 0.01 }, { bs: 64, lr: 0.1 }, { bs: 64, lr: 0.01 }]
 */
export function gridPoints(space: GridSpace): Array<Record<string, ParamValue>> {
  checkSpace(space);
  const names = Object.keys(space).sort();
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const name of names) points = points.flatMap((p) => space[name].map((v) => ({ ...p, [name]: v })));
  return points;
}

function samePoint(a: Record<string, ParamValue>, b: Record<string, ParamValue>, names: string[]): boolean {
  return names.every((n) => n in a && sameValue(a[n], b[n]));
}

/**
 * A sampler that walks a fixed grid (see `gridPoints`). `startTrial` returns the trial's own params
 * when it was enqueued with a grid point, else the first grid point that no other trial holds yet
 * (waiting, running and failed trials included, as Optuna); when every point is taken it starts the grid again from
 * the first point. Suggesting a parameter the grid does not list, or a distribution that does not
 * contain the grid's values, is an InvalidArgumentError naming the parameter.
 *
 * Defaults: none (the grid is required). Source: Optuna 3.1's GridSampler.
 *
 * @example
 * const sampler = gridSampler({ lr: [1e-3, 1e-2], optimizer: ['adam', 'sgd'] });
 * await store.enqueueTrial(studyId, gridPoints({ lr: [1e-3, 1e-2], optimizer: ['adam', 'sgd'] })[0]);
 */
export function gridSampler(space: GridSpace): Sampler {
  const points = gridPoints(space);
  const names = Object.keys(space).sort();
  const startTrial = (ctx: SearchContext): Record<string, ParamValue> => {
    const own = ctx.trial.params;
    if (names.every((n) => n in own)) return Object.fromEntries(names.map((n) => [n, own[n]]));
    const taken = ctx.trials.filter((t) => t.number !== ctx.trial.number);
    const free = points.find((p) => !taken.some((t) => samePoint(t.params, p, names)));
    return { ...(free ?? points[0]) };
  };
  return {
    description: `grid(${names.map((n) => `${n}=${space[n].length}`).join(', ')}; ${points.length} points)`,
    /**
     * Enqueues every grid point no trial of the study holds yet, so workers claim points through the
     * store's atomic claim: no point runs twice. Two workers preparing the same new study at the
     * same moment may enqueue a point twice (one extra trial), as Optuna's GridSampler may.
     */
    async prepare(study) {
      const trials = await study.trials();
      for (const p of points) if (!trials.some((t) => samePoint(t.params, p, names))) await study.enqueue(p);
    },
    startTrial,
    sample: (ctx) => {
      const { name, distribution } = ctx;
      if (!(name in space))
        throw new InvalidArgumentError('grid parameter', name, `one of the grid's parameters (${names.join(', ')})`);
      const bad = space[name].find((v) => !contains(distribution, v));
      if (bad !== undefined)
        throw new InvalidArgumentError(`grid value of '${name}'`, bad, `a value inside the suggested distribution ${JSON.stringify(distribution)}`);
      const value = name in ctx.trial.params ? ctx.trial.params[name] : startTrial(ctx)[name];
      return value;
    },
  };
}

/**
 * Objectives with known optima for judging search quality: what a sampler finds in a fixed number
 * of trials. Shapes of real hyperparameter landscapes: log-scaled parameters, an ill-conditioned
 * valley, a categorical choice with a conditional effect. All minimised, all with minimum 0.
 * bench/search-quality.ts writes the same functions in Python for Optuna.
 */
import type { Distribution, ParamValue } from '../../store/types.js';

export interface TestFunction {
  name: string;
  space: Record<string, Distribution>;
  objective: (p: Record<string, ParamValue>) => number;
}

const logFloat = (low: number, high: number): Distribution => ({ type: 'float', low, high, log: true });
const num = (p: Record<string, ParamValue>, k: string): number => p[k] as number;

/** Σ (log10 xᵢ − cᵢ)², xᵢ in [1e-5, 10] on a log scale, centres cᵢ = −3, −1, −2, −4, 0. */
function logSphere(d: number): TestFunction {
  const centres = [-3, -1, -2, -4, 0].slice(0, d);
  const names = centres.map((_, i) => `x${i}`);
  return {
    name: `log-sphere-${d}d`,
    space: Object.fromEntries(names.map((n) => [n, logFloat(1e-5, 10)])),
    objective: (p) => names.reduce((s, n, i) => s + (Math.log10(num(p, n)) - centres[i]) ** 2, 0),
  };
}

/** Rosenbrock in log10 coordinates: u = log10(a) + 2, v = log10(b) + 2 (a, b in [1e-4, 1]); minimum at a = b = 0.1. */
const logRosenbrock: TestFunction = {
  name: 'log-rosenbrock-2d',
  space: { a: logFloat(1e-4, 1), b: logFloat(1e-4, 1) },
  objective: (p) => {
    const u = Math.log10(num(p, 'a')) + 2;
    const v = Math.log10(num(p, 'b')) + 2;
    return (1 - u) ** 2 + 100 * (v - u * u) ** 2;
  },
};

/**
 * A training-run-like landscape: optimizer (categorical), learning rate (log), batch size (log int),
 * dropout (stepped float). Each optimizer has its own best learning rate; 'adam' is best overall.
 */
const mixed: TestFunction = {
  name: 'mixed-categorical',
  space: {
    optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop', 'adagrad'] },
    lr: logFloat(1e-5, 1),
    batch: { type: 'int', low: 8, high: 512, log: true, step: 1 },
    dropout: { type: 'float', low: 0, high: 0.8, log: false, step: 0.05 },
  },
  objective: (p) => {
    const best = { sgd: [-1, 0.5], adam: [-3, 0], rmsprop: [-3.5, 0.3], adagrad: [-2, 1] }[p.optimizer as string]!;
    return best[1] + (Math.log10(num(p, 'lr')) - best[0]) ** 2 + (Math.log2(num(p, 'batch')) - 6) ** 2 / 4 + 4 * (num(p, 'dropout') - 0.3) ** 2;
  },
};

export const TEST_FUNCTIONS: TestFunction[] = [logSphere(2), logSphere(5), logRosenbrock, mixed];

"""Optuna 3.1's side of bench/search-quality.ts (run by it with Debian's /usr/bin/python3).

Reads a JSON request on stdin: {"trials": N, "seeds": [...], "functions": [...names], "check": [...]},
runs Optuna's TPESampler (independent and multivariate) and RandomSampler on each function for each
seed, and prints one JSON line: the best value of each study, the seconds taken, and the objective's
value at each of the `check` points (so the TypeScript side can confirm both define the same
functions). The functions mirror src/tune/samplers/test_functions.ts.
"""
import json
import math
import sys
import time
import warnings

import optuna

warnings.filterwarnings('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)


def log_sphere(centres):
    def suggest(t):
        return {f'x{i}': t.suggest_float(f'x{i}', 1e-5, 10, log=True) for i in range(len(centres))}

    def f(p):
        return sum((math.log10(p[f'x{i}']) - c) ** 2 for i, c in enumerate(centres))
    return suggest, f


def log_rosenbrock():
    def suggest(t):
        return {'a': t.suggest_float('a', 1e-4, 1, log=True), 'b': t.suggest_float('b', 1e-4, 1, log=True)}

    def f(p):
        u = math.log10(p['a']) + 2
        v = math.log10(p['b']) + 2
        return (1 - u) ** 2 + 100 * (v - u * u) ** 2
    return suggest, f


BEST = {'sgd': (-1, 0.5), 'adam': (-3, 0), 'rmsprop': (-3.5, 0.3), 'adagrad': (-2, 1)}


def mixed():
    def suggest(t):
        return {'optimizer': t.suggest_categorical('optimizer', ['sgd', 'adam', 'rmsprop', 'adagrad']),
                'lr': t.suggest_float('lr', 1e-5, 1, log=True),
                'batch': t.suggest_int('batch', 8, 512, log=True),
                'dropout': t.suggest_float('dropout', 0, 0.8, step=0.05)}

    def f(p):
        centre, offset = BEST[p['optimizer']]
        return (offset + (math.log10(p['lr']) - centre) ** 2 + (math.log2(p['batch']) - 6) ** 2 / 4
                + 4 * (p['dropout'] - 0.3) ** 2)
    return suggest, f


FUNCTIONS = {
    'log-sphere-2d': log_sphere([-3, -1]),
    'log-sphere-5d': log_sphere([-3, -1, -2, -4, 0]),
    'log-rosenbrock-2d': log_rosenbrock(),
    'mixed-categorical': mixed(),
}

SAMPLERS = {
    'random': lambda seed: optuna.samplers.RandomSampler(seed=seed),
    'tpe': lambda seed: optuna.samplers.TPESampler(seed=seed),
    'tpe-multivariate': lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
}

request = json.load(sys.stdin)
out = {'optuna': optuna.__version__, 'best': {}, 'seconds': {}, 'check': []}
for name in request['functions']:
    suggest, f = FUNCTIONS[name]
    for sampler_name in request['samplers']:
        key = f'{name}/{sampler_name}'
        t0 = time.perf_counter()
        best = []
        for seed in request['seeds']:
            study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed))
            study.optimize(lambda t: f(suggest(t)), n_trials=request['trials'])
            best.append(study.best_value)
        out['best'][key] = best
        out['seconds'][key] = time.perf_counter() - t0
for point in request['check']:
    out['check'].append(FUNCTIONS[point['function']][1](point['params']))
print(json.dumps(out))

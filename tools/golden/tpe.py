"""Golden values from Optuna 3.1's TPE internals, for src/tune/samplers/*.test.ts.

Run from the repository root with Debian's Python (python3-optuna 3.1):

    /usr/bin/python3 tools/golden/tpe.py

It writes src/tune/samplers/fixtures/optuna-tpe.json with:
- gamma and weights: default_gamma(n) and default_weights(n) for several n;
- splits: hand-built studies (complete, pruned with and without intermediate values, NaN, running,
  failed, waiting trials, both directions), the trial numbers Optuna's _get_observation_pairs and
  _split_observation_pairs put below and above (constant liar on and off);
- parzen: _ParzenEstimator fitted to observations over every kind of distribution, univariate and
  multivariate: its normalised weights, mus, sigmas, categorical weights, and log_pdf at points.
- proposals: a 40-trial history of a 2-D Rosenbrock in log coordinates, and the histogram (8 bins of
  log10 x over [-4, 0]) of the value TPESampler proposes for each parameter from it, independent
  (2000 seeds) and multivariate (1000 seeds): a statistical check of the whole sampler, since the
  random streams differ.
Numbers are float64; no Infinity or NaN appears in the output (JSON has none).
"""
import json
import math
import os
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import (
    _get_observation_pairs,
    _split_observation_pairs,
    default_gamma,
    default_weights,
)
from optuna.trial import TrialState, create_trial

warnings.filterwarnings('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'tune', 'samplers', 'fixtures', 'optuna-tpe.json')


def to_optuna(d):
    if d['type'] == 'categorical':
        return CategoricalDistribution(d['choices'])
    if d['type'] == 'int':
        return IntDistribution(d['low'], d['high'], log=d['log'], step=d['step'])
    return FloatDistribution(d['low'], d['high'], log=d['log'], step=d.get('step'))


def jnum(x):
    """A float for JSON: finite numbers as they are, the rest as strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


# ---- gamma and weights
gamma = {str(n): default_gamma(n) for n in [0, 1, 9, 10, 11, 29, 30, 31, 100, 249, 250, 251, 1000]}
weights = {str(n): [float(w) for w in default_weights(n)] for n in [0, 1, 24, 25, 26, 27, 40, 100]}

# ---- splits: trials as plain data the test rebuilds as FrozenTrials
X = {'type': 'float', 'low': -5.0, 'high': 5.0, 'log': False}


def trial(state, x, value=None, inter=None):
    return {'state': state, 'params': {'x': x}, 'distributions': {'x': X}, 'value': value,
            'intermediate': inter or []}


split_trials = [
    trial('complete', 0.5, 3.0),
    trial('pruned', -1.0, None, [[0, 5.0], [1, 4.0], [2, 2.5]]),
    trial('complete', 1.5, 1.0),
    trial('running', 2.0),
    trial('failed', 2.5),
    trial('pruned', -2.0, None, [[0, 0.5]]),
    trial('complete', 3.0, 0.25),
    trial('pruned', 4.0, None, []),
    trial('pruned', -3.0, None, [[0, 1.0], [1, 0.1], [2, float('nan')]]),
    trial('complete', -4.0, 7.0),
    trial('waiting', 4.5),
    trial('pruned', -0.5, None, [[0, 0.2], [1, 0.3], [2, 1.5]]),
    trial('complete', 0.0, 1.0),
    trial('running', 1.0),
    trial('pruned', 0.25, None, [[0, 9.0], [2, 3.0]]),
] + [trial('complete', -5.0 + 0.37 * i, (i * 7919 % 23) / 3.0) for i in range(20)]

STATES = {'complete': TrialState.COMPLETE, 'pruned': TrialState.PRUNED, 'running': TrialState.RUNNING,
          'failed': TrialState.FAIL, 'waiting': TrialState.WAITING}


def build_study(direction, trials):
    study = optuna.create_study(direction=direction)
    for t in trials:
        state = STATES[t['state']]
        kw = dict(state=state, intermediate_values={s: v for s, v in t['intermediate']})
        if state != TrialState.WAITING:
            kw.update(params=t['params'], distributions={k: to_optuna(d) for k, d in t['distributions'].items()})
        if state == TrialState.COMPLETE:
            kw['value'] = t['value']
        study.add_trial(create_trial(**kw))
    return study


splits = []
for direction in ['minimize', 'maximize']:
    for liar in [True, False]:
        for count in [9, 15, len(split_trials)]:
            trials = split_trials[:count]
            study = build_study(direction, trials)
            values, scores, _ = _get_observation_pairs(study, ['x'], liar, False)
            n = sum(s < float('inf') for s, v in scores)
            states = (TrialState.COMPLETE, TrialState.PRUNED) + ((TrialState.RUNNING,) if liar else ())
            numbers = [t.number for t in study.get_trials(deepcopy=False, states=states)]
            below, above = _split_observation_pairs(scores, default_gamma(n), None)
            splits.append({'direction': direction, 'constantLiar': liar, 'count': count, 'n': int(n),
                           'below': [numbers[i] for i in below], 'above': [numbers[i] for i in above]})

# ---- Parzen estimators
SPACES = {
    'float': {'type': 'float', 'low': -3.0, 'high': 7.0, 'log': False},
    'floatLog': {'type': 'float', 'low': 1e-5, 'high': 1.0, 'log': True},
    'floatStep': {'type': 'float', 'low': 0.0, 'high': 2.0, 'log': False, 'step': 0.25},
    'int': {'type': 'int', 'low': 1, 'high': 20, 'log': False, 'step': 1},
    'intStep': {'type': 'int', 'low': 0, 'high': 30, 'log': False, 'step': 3},
    'intLog': {'type': 'int', 'low': 1, 'high': 1024, 'log': True, 'step': 1},
    'cat': {'type': 'categorical', 'choices': ['a', 'b', 'c', 'd']},
}
OBS = {
    'float': [0.5, -2.9, 6.5, 0.5, 3.25, 1.0, -1.0, 4.4, 2.2, 0.0, 5.9, -2.0],
    'floatLog': [1e-3, 3e-5, 0.5, 2e-2, 1e-4, 0.9, 7e-3, 1e-5, 0.03, 2e-4, 0.11, 4e-4],
    'floatStep': [0.25, 1.75, 0.0, 2.0, 1.0, 1.0, 0.5, 1.25, 0.75, 1.5, 0.25, 0.0],
    'int': [3, 17, 1, 20, 9, 9, 12, 5, 7, 2, 15, 11],
    'intStep': [0, 3, 30, 12, 27, 6, 9, 15, 21, 18, 24, 3],
    'intLog': [1, 2, 1024, 37, 512, 8, 100, 3, 64, 16, 700, 5],
    'cat': [0, 1, 1, 3, 2, 1, 0, 1, 3, 3, 1, 2],
}
POINTS = {
    'float': [-3.0, -1.5, 0.5, 2.0, 6.99],
    'floatLog': [1e-5, 1e-3, 0.05, 0.7, 1.0],
    'floatStep': [0.0, 0.5, 1.25, 2.0, 1.75],
    'int': [1, 4, 10, 19, 20],
    'intStep': [0, 9, 15, 27, 30],
    'intLog': [1, 3, 50, 600, 1024],
    'cat': [0, 1, 2, 3, 1],
}


def many(k, n):
    """n observations of parameter k; distinct for numerical ones, since Optuna's order among equal
    values (numpy's unstable argsort) decides which gets which bandwidth once weights differ."""
    d = SPACES[k]
    if d['type'] == 'categorical':
        return (OBS[k] * 10)[:n]
    if k == 'intLog':
        return [1 + (i * 37) % 1021 for i in range(1, n + 1)]
    frac = [(i * 0.6180339887498949) % 1.0 for i in range(1, n + 1)]
    if d['log']:
        return [math.exp(math.log(d['low']) + f * (math.log(d['high']) - math.log(d['low']))) for f in frac]
    return [d['low'] + f * (d['high'] - d['low']) for f in frac]


def fit(names, n, multivariate, prior_weight, weights_n=None):
    space = {k: to_optuna(SPACES[k]) for k in names}
    obs = {k: np.asarray(OBS[k][:n] if weights_n is None else many(k, weights_n), dtype=float) for k in names}
    params = _ParzenEstimatorParameters(True, prior_weight, True, False, default_weights, multivariate)
    pe = _ParzenEstimator(obs, space, params)
    pts = {k: np.asarray(POINTS[k], dtype=float) for k in names}
    if any(SPACES[k]['type'] == 'categorical' for k in names):
        pts = {k: (v.astype(int) if SPACES[k]['type'] == 'categorical' else v) for k, v in pts.items()}
    out = {'names': names, 'observations': {k: [float(x) for x in obs[k]] for k in names},
           'multivariate': multivariate, 'priorWeight': prior_weight,
           'weights': [float(w) for w in pe._weights], 'kernels': {}, 'points': {k: [float(x) for x in pts[k]] for k in names},
           'logPdf': [jnum(v) for v in pe.log_pdf(pts)]}
    for k in names:
        if SPACES[k]['type'] == 'categorical':
            out['kernels'][k] = {'probabilities': pe._categorical_weights[k].tolist()}
        else:
            out['kernels'][k] = {'low': float(pe._low[k]), 'high': float(pe._high[k]),
                                 'mus': [float(x) for x in pe._mus[k]], 'sigmas': [float(x) for x in pe._sigmas[k]]}
    return out


parzen = []
for name in SPACES:
    for n in [0, 1, 2, 5, 12]:
        parzen.append(fit([name], n, False, 1.0))
    parzen.append(fit([name], 12, False, 2.5))
    if name in ('float', 'floatLog', 'intLog', 'cat'):
        parzen.append(fit([name], None, False, 1.0, weights_n=40))
for names in [['float', 'floatLog'], ['int', 'cat', 'floatStep'], list(SPACES)]:
    for n in [0, 1, 7, 12]:
        parzen.append(fit(names, n, True, 1.0))
for names in [['float', 'floatLog'], ['float', 'floatLog', 'intLog', 'cat']]:
    parzen.append(fit(names, None, True, 1.0, weights_n=33))

# ---- proposal distributions from a fixed history
LOGF = {'type': 'float', 'low': 1e-4, 'high': 1.0, 'log': True}


def rosenbrock(a, b):
    u, v = math.log10(a) + 2, math.log10(b) + 2
    return (1 - u) ** 2 + 100 * (v - u * u) ** 2


state = np.random.RandomState(0)
history = []
for _ in range(40):
    a = float(math.exp(state.uniform(math.log(1e-4), 0)))
    b = float(math.exp(state.uniform(math.log(1e-4), 0)))
    history.append({'a': a, 'b': b, 'value': rosenbrock(a, b)})
hstudy = optuna.create_study()
for h in history:
    hstudy.add_trial(create_trial(params={'a': h['a'], 'b': h['b']}, distributions={'a': to_optuna(LOGF), 'b': to_optuna(LOGF)}, value=h['value']))
running = hstudy.ask()


def histogram(xs):
    counts, _ = np.histogram(np.log10(xs), bins=8, range=(-4, 0))
    return [float(c) / len(xs) for c in counts]


independent = {}
for name in ['a', 'b']:
    xs = [optuna.samplers.TPESampler(seed=seed).sample_independent(hstudy, running, name, to_optuna(LOGF)) for seed in range(2000)]
    independent[name] = histogram(xs)
joint = {'a': [], 'b': []}
space = {'a': to_optuna(LOGF), 'b': to_optuna(LOGF)}
for seed in range(1000):
    p = optuna.samplers.TPESampler(seed=seed, multivariate=True).sample_relative(hstudy, running, space)
    joint['a'].append(p['a'])
    joint['b'].append(p['b'])
proposals = {'distribution': LOGF, 'history': history, 'independent': independent, 'independentDraws': 2000,
             'multivariate': {k: histogram(v) for k, v in joint.items()}, 'multivariateDraws': 1000}

with open(OUT, 'w') as f:
    plain_trials = [{**t, 'intermediate': [[s, jnum(v)] for s, v in t['intermediate']]} for t in split_trials]
    json.dump({'optuna': optuna.__version__, 'spaces': SPACES, 'gamma': gamma, 'weights': weights,
               'splitTrials': plain_trials, 'splits': splits, 'parzen': parzen,
               'proposals': proposals}, f, indent=1)
    f.write('\n')
print('wrote', os.path.normpath(OUT), len(splits), 'splits,', len(parzen), 'estimators')

"""Golden hyperparameter importances for src/dashboard/overview.test.ts, from SciPy.

Run from the repository root with Debian's Python (python3-scipy):

    /usr/bin/python3 tools/golden/importance.py

It writes src/dashboard/fixtures/importance.json: a few small studies (complete trials' params and
values, ties, a diverged +inf value, a categorical parameter, a parameter missing from some trials)
and, for each, the importance trainkit must report: Spearman's |rho| (scipy.stats.spearmanr) for
numeric parameters, the correlation ratio eta on the value's ranks (scipy.stats.rankdata, then
sqrt(between-group SS / total SS) with numpy) for categorical ones, over the trials that have the
parameter, normalised to sum 1.
"""
import json
import math
import os

import numpy as np
from scipy.stats import rankdata, spearmanr

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'dashboard', 'fixtures', 'importance.json')


def eta(categories, values):
    r = rankdata(values)
    mean = r.mean()
    total = ((r - mean) ** 2).sum()
    between = 0.0
    for c in set(categories):
        g = r[[i for i, x in enumerate(categories) if x == c]]
        between += len(g) * (g.mean() - mean) ** 2
    return math.sqrt(between / total)


def importance(trials, kinds):
    scores = {}
    for name, kind in kinds.items():
        have = [t for t in trials if name in t['params']]
        xs = [t['params'][name] for t in have]
        vs = [t['value'] for t in have]
        if kind == 'categorical':
            scores[name] = eta(xs, vs)
        else:
            rho, _ = spearmanr(xs, vs)
            scores[name] = abs(rho)
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()}


rng = np.random.default_rng(7)
cases = []

# Ties in a numeric parameter and in the value; a categorical parameter with three choices.
n = 12
lr = [float(x) for x in 10 ** rng.uniform(-4, -1, n)]
lr[3] = lr[5]  # a tie
units = [int(x) for x in rng.choice([32, 64, 128], n)]
opt = [str(x) for x in rng.choice(['adam', 'sgd', 'rmsprop'], n)]
value = [round(-math.log10(l) + 0.3 * (o == 'sgd') + float(rng.normal(0, 0.3)), 1) for l, o in zip(lr, opt)]
trials = [{'params': {'lr': lr[i], 'units': units[i], 'opt': opt[i]}, 'value': value[i]} for i in range(n)]
cases.append({'name': 'ties and a categorical parameter', 'trials': trials,
              'kinds': {'lr': 'float', 'units': 'int', 'opt': 'categorical'}})

# A diverged trial (+inf) and a parameter missing from two trials (a conditional parameter).
n = 10
x = [float(v) for v in rng.uniform(0, 1, n)]
y = [float(v) for v in rng.uniform(0, 1, n)]
value = [xi * 2 + float(rng.normal(0, 0.2)) for xi in x]
value[4] = math.inf
trials = []
for i in range(n):
    params = {'x': x[i]}
    if i not in (1, 6):
        params['y'] = y[i]
    trials.append({'params': params, 'value': value[i]})
cases.append({'name': 'a diverged trial and a conditional parameter', 'trials': trials, 'kinds': {'x': 'float', 'y': 'float'}})

for c in cases:
    c['importance'] = importance(c['trials'], c['kinds'])
    for t in c['trials']:
        if math.isinf(t['value']):
            t['value'] = 'Infinity'

with open(OUT, 'w') as f:
    json.dump(cases, f, indent=1)
    f.write('\n')
print(OUT)

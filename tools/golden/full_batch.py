"""Golden results for src/optim/newton.test.ts and src/optim/bfgs.test.ts (and the Rosenbrock comparison
with lbfgs): what scipy.optimize.minimize reaches, and in how many iterations, on two small full-batch
problems.

Run from the repository root with Debian's Python (python3-scipy 1.x):

    /usr/bin/python3 tools/golden/full_batch.py

It writes src/optim/fixtures/full-batch.json with
  rosenbrock: f(x, y) = 100 (y - x^2)^2 + (1 - x)^2 from (-1.2, 1), minimised by 'Newton-CG' and
      'trust-exact' (exact Hessian), 'BFGS' and 'L-BFGS-B' with scipy's default tolerances: solution, loss, nit;
  logistic: L2-regularised logistic regression, 200 examples x 5 features drawn here with a fixed seed
      (written into the fixture as float32-exact numbers, so the test builds the very same problem),
      loss(w, b) = mean(log(1 + exp(z)) - y z) + (lam / 2) ||w||^2, z = X w + b, lam = 1e-2, from w = 0, b = 0.
      The optimum is found by 'trust-exact' in float64 to gtol 1e-12 (checked against 'BFGS');
      each method's nit with default tolerances is recorded too.
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'optim', 'fixtures', 'full-batch.json')
N, D, LAM, SEED = 200, 5, 1e-2, 20261201


def run(method, f, x0, jac, hess=None, **options):
    kwargs = {'jac': jac}
    if method in ('Newton-CG', 'trust-exact'):
        kwargs['hess'] = hess
    r = minimize(f, x0, method=method, options=options, **kwargs)
    assert r.success, (method, r.message)
    return {'x': r.x.tolist(), 'loss': float(r.fun), 'nit': int(r.nit)}


def rosenbrock():
    x0 = np.array([-1.2, 1.0])
    return {m: run(m, rosen, x0, rosen_der, rosen_hess) for m in ('Newton-CG', 'trust-exact', 'BFGS', 'L-BFGS-B')}


def logistic():
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((N, D)).astype(np.float32).astype(np.float64)
    w_true = np.array([1.5, -2.0, 0.5, 0.0, 1.0])
    y = (rng.random(N) < 1 / (1 + np.exp(-(X @ w_true + 0.3)))).astype(np.float64)

    def split(theta):
        return theta[:D], theta[D]

    def f(theta):
        w, b = split(theta)
        z = X @ w + b
        return np.mean(np.logaddexp(0, z) - y * z) + LAM / 2 * w @ w

    def grad(theta):
        w, b = split(theta)
        r = (1 / (1 + np.exp(-(X @ w + b))) - y) / N
        return np.concatenate([X.T @ r + LAM * w, [r.sum()]])

    def hess(theta):
        w, b = split(theta)
        p = 1 / (1 + np.exp(-(X @ w + b)))
        A = np.hstack([X, np.ones((N, 1))])
        H = A.T @ (A * (p * (1 - p))[:, None]) / N
        H[:D, :D] += LAM * np.eye(D)
        return H

    theta0 = np.zeros(D + 1)
    best = minimize(f, theta0, jac=grad, hess=hess, method='trust-exact', options={'gtol': 1e-12})
    check = minimize(f, theta0, jac=grad, method='BFGS', options={'gtol': 1e-10})
    assert abs(best.fun - check.fun) < 1e-12, (best.fun, check.fun)
    w, b = split(best.x)
    return {
        'problem': {'n': N, 'd': D, 'lam': LAM, 'seed': SEED, 'X': X.tolist(), 'y': y.tolist()},
        'optimum': {'w': w.tolist(), 'b': float(b), 'loss': float(best.fun)},
        'scipy': {m: run(m, f, theta0, grad, hess) for m in ('Newton-CG', 'trust-exact', 'BFGS', 'L-BFGS-B')},
    }


def main():
    out = {
        'source': f'scipy {scipy.__version__}, numpy {np.__version__}: tools/golden/full_batch.py',
        'rosenbrock': rosenbrock(),
        'logistic': logistic(),
    }
    with open(OUT, 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')
    print(json.dumps({'rosenbrock': out['rosenbrock'], 'logistic': {k: out['logistic'][k] for k in ('optimum', 'scipy')}}, indent=1))


if __name__ == '__main__':
    main()

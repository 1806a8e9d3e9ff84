"""Golden result for src/optim/lbfgs.test.ts: full-batch L2-regularised multinomial logistic regression on
Fashion-MNIST, minimised by torch.optim.LBFGS(line_search_fn='strong_wolfe').

Run from the repository root with Debian's Python (torch 1.13; the pyenv `python3` has no torch), with
Debian's dataset-fashion-mnist installed:

    /usr/bin/python3 tools/golden/lbfgs.py

It writes src/optim/fixtures/lbfgs-logreg.json. The problem (the test builds the same one in TensorFlow.js):
  X = the first 1,000 training images, pixels / 255, 2x2 average-pooled to 14x14 (196 features, so the test
      stays at a few seconds on the pure-JavaScript cpu backend), y = their labels;
  loss(W, b) = mean cross-entropy(X W^T + b, y) + (lam / 2) * ||W||^2, lam = 1e-2, W: 10x196, b: 10,
  starting from W = 0, b = 0. Accuracy is measured on the first 1,000 test images.
Torch runs in float64 to tight tolerances, so `loss` is the minimum to ~1e-12; a second run with the
defaults trainkit mirrors (history 10, 100 iterations) is recorded for comparison.
"""
import gzip
import json
import os

import numpy as np
import torch

DATA = '/usr/share/datasets/fashion-mnist'
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'optim', 'fixtures', 'lbfgs-logreg.json')
N_TRAIN, N_TEST, LAM = 1000, 1000, 1e-2


def idx(name):
    b = gzip.open(os.path.join(DATA, name)).read()
    nd = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(shape)


def features(images, n):
    x = images[:n].astype(np.float64) / 255.0
    return torch.tensor(x.reshape(n, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(n, 196))


X = features(idx('train-images-idx3-ubyte.gz'), N_TRAIN)
y = torch.tensor(idx('train-labels-idx1-ubyte.gz')[:N_TRAIN].astype(np.int64))
Xt = features(idx('t10k-images-idx3-ubyte.gz'), N_TEST)
yt = torch.tensor(idx('t10k-labels-idx1-ubyte.gz')[:N_TEST].astype(np.int64))


def objective(W, b):
    return torch.nn.functional.cross_entropy(X @ W.T + b, y) + LAM / 2 * (W * W).sum()


def run(max_iter, tolerance_grad, tolerance_change):
    W = torch.zeros(10, 196, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(10, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], lr=1, max_iter=max_iter, max_eval=max_iter * 5, history_size=10,
                            tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                            line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = objective(W, b)
        loss.backward()
        return loss

    opt.step(closure)
    state = opt.state[opt._params[0]]
    loss = objective(W, b)
    gW, gb = torch.autograd.grad(loss, [W, b])
    with torch.no_grad():
        acc = ((Xt @ W.T + b).argmax(1) == yt).double().mean().item()
    return {'loss': loss.item(), 'iterations': state['n_iter'], 'evaluations': state['func_evals'],
            'gradientNorm': max(gW.abs().max().item(), gb.abs().max().item()), 'testAccuracy': acc}


tight = run(2000, 1e-12, 1e-15)
default = run(100, 1e-7, 1e-9)
print('tight  ', tight)
print('default', default)
assert tight['gradientNorm'] < 1e-6, tight

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'generator': 'tools/golden/lbfgs.py', 'torch': torch.__version__,
               'problem': {'trainImages': N_TRAIN, 'testImages': N_TEST, 'pool': 2, 'features': 196, 'classes': 10,
                           'l2': LAM, 'loss': 'mean cross-entropy + l2/2 * ||W||^2 (bias not penalised)', 'init': 'zeros'},
               'optimum': tight, 'torchDefaults100': default}, f, indent=1)
    f.write('\n')
print('wrote', os.path.normpath(OUT))

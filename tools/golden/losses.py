"""Golden values of trainkit's losses and weighted losses from PyTorch 1.13, for
src/train/losses.test.ts and src/train/weights.test.ts.

Run from the repository root with Debian's Python (it has torch 1.13):

    /usr/bin/python3 tools/golden/losses.py

It writes src/train/fixtures/torch-losses.json: inputs (as nested lists), options and torch's
value for each case, in float64 so that the comparison tolerance reflects trainkit's float32 only.
Weighted cases: torch's reduction 'none' then sum(w * l) / sum(w), the normalisation of
CrossEntropyLoss(weight=...), which is checked against that module directly too.
`fit_steps` trains a linear softmax classifier two SGD steps (two batches of 4, in order) with
class and per-example weights and records the parameters after each step.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'train', 'fixtures', 'torch-losses.json')
D = torch.float64


def L(t):
    return t.tolist()


cases = []

# Binary cross-entropy from logits: large logits, hard and soft targets, pos_weight.
s = torch.tensor([[0.3, -1.2, 2.0], [50.0, -50.0, 0.0], [-3.0, 4.5, -0.7], [100.0, -100.0, 7.0]], dtype=D)
y = torch.tensor([[1, 0, 1], [0, 1, 1], [0.3, 1, 0], [1, 1, 0]], dtype=D)
w = torch.tensor([1.0, 0.5, 2.0, 0.25], dtype=D)
cases.append({'loss': 'binaryCrossEntropy', 'options': {}, 'logits': L(s), 'targets': L(y),
              'value': torch.nn.BCEWithLogitsLoss()(s, y).item()})
cases.append({'loss': 'binaryCrossEntropy', 'options': {'posWeight': 2.5}, 'logits': L(s), 'targets': L(y),
              'value': torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.5, dtype=D))(s, y).item()})
pw = [1.0, 3.0, 0.5]
cases.append({'loss': 'binaryCrossEntropy', 'options': {'posWeight': pw}, 'logits': L(s), 'targets': L(y),
              'value': torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw, dtype=D))(s, y).item()})
per = torch.nn.BCEWithLogitsLoss(reduction='none')(s, y).mean(1)
cases.append({'loss': 'binaryCrossEntropy', 'options': {}, 'logits': L(s), 'targets': L(y), 'weights': L(w),
              'value': ((per * w).sum() / w.sum()).item()})
s1 = torch.tensor([0.2, -3.0, 12.0, -0.4, 1.5], dtype=D)
y1 = torch.tensor([1, 0, 0, 1, 1], dtype=D)
cases.append({'loss': 'binaryCrossEntropy', 'options': {}, 'logits': L(s1), 'targets': L(y1),
              'value': torch.nn.BCEWithLogitsLoss()(s1, y1).item()})

# Huber and L1 (and MSE, weighted) on a regression batch with small and large residuals.
p = torch.randn(6, 2, dtype=D) * 2
t = torch.randn(6, 2, dtype=D)
w6 = torch.rand(6, dtype=D) + 0.1
for delta in [1.0, 0.5, 2.5]:
    cases.append({'loss': 'huber', 'options': {'delta': delta}, 'logits': L(p), 'targets': L(t),
                  'value': torch.nn.HuberLoss(delta=delta)(p, t).item()})
per = torch.nn.HuberLoss(reduction='none', delta=1.0)(p, t).mean(1)
cases.append({'loss': 'huber', 'options': {}, 'logits': L(p), 'targets': L(t), 'weights': L(w6),
              'value': ((per * w6).sum() / w6.sum()).item()})
cases.append({'loss': 'l1', 'options': {}, 'logits': L(p), 'targets': L(t), 'value': torch.nn.L1Loss()(p, t).item()})
per = torch.nn.L1Loss(reduction='none')(p, t).mean(1)
cases.append({'loss': 'l1', 'options': {}, 'logits': L(p), 'targets': L(t), 'weights': L(w6),
              'value': ((per * w6).sum() / w6.sum()).item()})
per = torch.nn.MSELoss(reduction='none')(p, t).mean(1)
cases.append({'loss': 'mse', 'options': {}, 'logits': L(p), 'targets': L(t), 'weights': L(w6),
              'value': ((per * w6).sum() / w6.sum()).item()})

# Softmax cross-entropy with class weights (CrossEntropyLoss(weight=...)) and per-example weights.
logits = torch.randn(6, 4, dtype=D) * 2
labels = torch.tensor([0, 3, 1, 1, 2, 3])
cw = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=D)
sw = torch.tensor([1.0, 0.2, 1.5, 0.7, 1.0, 2.0], dtype=D)
cases.append({'loss': 'softmaxCrossEntropy', 'options': {}, 'logits': L(logits), 'labels': L(labels), 'classWeight': L(cw),
              'value': torch.nn.CrossEntropyLoss(weight=cw)(logits, labels).item()})
none = torch.nn.CrossEntropyLoss(reduction='none')(logits, labels)
cases.append({'loss': 'softmaxCrossEntropy', 'options': {}, 'logits': L(logits), 'labels': L(labels), 'weights': L(sw),
              'value': ((none * sw).sum() / sw.sum()).item()})
both = cw[labels] * sw
cases.append({'loss': 'softmaxCrossEntropy', 'options': {}, 'logits': L(logits), 'labels': L(labels), 'weights': L(sw),
              'classWeight': L(cw), 'value': ((none * both).sum() / both.sum()).item()})

# fit with class and per-example weights: a linear classifier, SGD lr 0.5, batches [0:4], [4:8].
x = torch.randn(8, 5, dtype=D)
yy = torch.tensor([0, 2, 1, 2, 0, 1, 1, 2])
w0 = torch.randn(5, 3, dtype=D) * 0.3
b0 = torch.zeros(3, dtype=D)
cw3 = torch.tensor([1.0, 3.0, 0.5], dtype=D)
sw8 = torch.tensor([1.0, 0.5, 2.0, 1.0, 0.1, 1.0, 3.0, 0.8], dtype=D)
W = w0.clone().requires_grad_(True)
B = b0.clone().requires_grad_(True)
opt = torch.optim.SGD([W, B], lr=0.5)
after = []
for k in range(2):
    sl = slice(4 * k, 4 * k + 4)
    l = F.cross_entropy(x[sl] @ W + B, yy[sl], reduction='none')
    wi = cw3[yy[sl]] * sw8[sl]
    loss = (l * wi).sum() / wi.sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    after.append({'w': L(W.detach()), 'b': L(B.detach()), 'loss': loss.item()})
fit_steps = {'x': L(x), 'y': L(yy), 'w': L(w0), 'b': L(b0), 'classWeight': L(cw3), 'weight': L(sw8),
             'learningRate': 0.5, 'batchSize': 4, 'after': after}

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases, 'fit_steps': fit_steps}, f, indent=1)
print(f'{len(cases)} cases -> {OUT}')

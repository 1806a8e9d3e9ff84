"""Golden trajectories of PyTorch's optimizers, the reference for src/optim/golden.test.ts.

Run from the repository root with Debian's Python, which has PyTorch 1.13:

    /usr/bin/python3 tools/golden/optimizers.py

It writes src/optim/fixtures/optimizers.json (float32 throughout, CPU, deterministic: seed 0).

What it records, for every case: the optimizer and its options in trainkit's names, an optional
learning-rate (or momentum / weight-decay) schedule, an optional gradient clip, the source of the
gradients, and the parameters after every step. Two gradient sources:
  - "random": gradients drawn once, independent of the parameters (checks the update rule exactly);
  - "loss":   gradients of LOSS below at the current parameters (errors can compound over steps).
The parameter tree is {w: [3, 4], b: [4], s: [1]}.
"""
import json
import math
import os

import numpy as np
import torch

STEPS = 30
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'optim', 'fixtures', 'optimizers.json')

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)

SHAPES = {'w': (3, 4), 'b': (4,), 's': (1,)}
PARAMS0 = {'w': torch.randn(3, 4) * 0.5, 'b': torch.randn(4) * 0.5, 's': torch.tensor([1.2])}
RANDOM_GRADS = [{k: torch.randn(*shape) for k, shape in SHAPES.items()} for _ in range(STEPS)]
X = torch.randn(6, 3)
Y = torch.randn(6, 4)

LOSS = 'mean(square((matMul(X, w) + b) * s - Y))'


def loss_fn(p):
    return torch.mean(torch.square((X @ p['w'] + p['b']) * p['s'] - Y))


# Schedules: a kind and its arguments; the TS test rebuilds the same function of the step.
#   step:   base * gamma ** floor(t / stepSize)                     (the learning rate: torch StepLR)
#   warmupCosine: base * min(1, (t + 1) / warmup) * 0.5 * (1 + cos(pi * t / total))   (torch LambdaLR)
# A scheduled momentum or weight decay is written into the param group before each step.
def schedule_value(spec, base, t):
    if spec['kind'] == 'step':
        return base * spec['gamma'] ** (t // spec['stepSize'])
    if spec['kind'] == 'warmupCosine':
        return base * min(1.0, (t + 1) / spec['warmup']) * 0.5 * (1 + math.cos(math.pi * t / spec['total']))
    raise ValueError(spec)


STEP_LR = {'kind': 'step', 'stepSize': 10, 'gamma': 0.5}
WARMUP_COS = {'kind': 'warmupCosine', 'warmup': 5, 'total': 40}


def make_torch_optimizer(name, o, params):
    lr = o['learningRate']
    if name == 'sgd':
        return torch.optim.SGD(params, lr=lr, momentum=o.get('momentum', 0), nesterov=o.get('nesterov', False),
                               weight_decay=o.get('weightDecay', 0), dampening=0, foreach=False)
    if name == 'adagrad':
        return torch.optim.Adagrad(params, lr=lr, eps=o.get('eps', 1e-10),
                                   initial_accumulator_value=o.get('initialAccumulatorValue', 0), foreach=False)
    if name == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, alpha=o.get('decay', 0.99), eps=o.get('eps', 1e-8),
                                   momentum=o.get('momentum', 0), centered=o.get('centered', False), foreach=False)
    if name == 'adam':
        return torch.optim.Adam(params, lr=lr, betas=(o.get('b1', 0.9), o.get('b2', 0.999)), eps=o.get('eps', 1e-8),
                                weight_decay=o.get('weightDecay', 0), foreach=False)
    if name == 'adamw':
        return torch.optim.AdamW(params, lr=lr, betas=(o.get('b1', 0.9), o.get('b2', 0.999)),
                                 eps=o.get('eps', 1e-8), weight_decay=o.get('weightDecay', 0.01), foreach=False)
    raise ValueError(name)


def run_case(case):
    params = {k: PARAMS0[k].clone().requires_grad_(True) for k in SHAPES}
    order = list(SHAPES)
    opt = make_torch_optimizer(case['optimizer'], case['options'], [params[k] for k in order])
    group = opt.param_groups[0]
    schedules = dict(case.get('schedules', {}))
    # The learning rate through torch's own schedulers, stepped after every optimizer step.
    lr_scheduler = None
    lr_spec = schedules.pop('learningRate', None)
    if lr_spec and lr_spec['kind'] == 'step':
        lr_scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=lr_spec['stepSize'], gamma=lr_spec['gamma'])
    elif lr_spec:
        lr_scheduler = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: schedule_value(lr_spec, 1.0, t))
    # Other hyperparameters: torch reads the param group at every step, so set it there.
    base = {h: case['options'][h] for h in schedules}
    trajectory = []
    for t in range(STEPS):
        for h, spec in schedules.items():
            group[{'momentum': 'momentum', 'weightDecay': 'weight_decay'}[h]] = schedule_value(spec, base[h], t)
        opt.zero_grad()
        if case['grads'] == 'random':
            for k in order:
                params[k].grad = RANDOM_GRADS[t][k].clone()
        else:
            loss_fn(params).backward()
        clip = case.get('clip')
        if clip and clip['kind'] == 'globalNorm':
            torch.nn.utils.clip_grad_norm_([params[k] for k in order], clip['maxNorm'])
        if clip and clip['kind'] == 'value':
            torch.nn.utils.clip_grad_value_([params[k] for k in order], clip['limit'])
        opt.step()
        if lr_scheduler:
            lr_scheduler.step()
        trajectory.append({k: tolist(params[k]) for k in order})
    return trajectory


def f32(x):
    # The shortest decimal that reads back as the same float32.
    return float(repr(np.float32(x)))


def tolist(t):
    a = t.detach().numpy().astype(np.float32)
    return np.vectorize(f32, otypes=[object])(a).tolist() if a.ndim else f32(a)


CASES = []


def case(optimizer, options, schedules=None, clip=None):
    for grads in ('random', 'loss'):
        c = {'optimizer': optimizer, 'options': options, 'grads': grads}
        if schedules:
            c['schedules'] = schedules
        if clip:
            c['clip'] = clip
        parts = [optimizer, json.dumps(options, sort_keys=True)]
        if schedules:
            parts.append('schedules ' + json.dumps(schedules, sort_keys=True))
        if clip:
            parts.append('clip ' + json.dumps(clip, sort_keys=True))
        c['name'] = ' '.join(parts) + f' on {grads} grads'
        CASES.append(c)


case('sgd', {'learningRate': 0.1})
case('sgd', {'learningRate': 0.05, 'momentum': 0.9})
case('sgd', {'learningRate': 0.01, 'momentum': 0.99})
case('sgd', {'learningRate': 0.05, 'momentum': 0.9, 'nesterov': True})
case('sgd', {'learningRate': 0.1, 'weightDecay': 0.05})
case('sgd', {'learningRate': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.1})
case('sgd', {'learningRate': 0.1, 'momentum': 0.9}, schedules={'learningRate': STEP_LR})
case('sgd', {'learningRate': 0.05, 'momentum': 0.9}, schedules={'momentum': {'kind': 'step', 'stepSize': 7, 'gamma': 0.9}})
case('sgd', {'learningRate': 0.05, 'momentum': 0.9}, clip={'kind': 'globalNorm', 'maxNorm': 1.0})
case('sgd', {'learningRate': 0.1}, clip={'kind': 'value', 'limit': 0.5})
case('adagrad', {'learningRate': 0.1})
case('adagrad', {'learningRate': 0.5, 'eps': 1e-6, 'initialAccumulatorValue': 0.1})
case('adagrad', {'learningRate': 0.2}, schedules={'learningRate': WARMUP_COS})
case('rmsprop', {'learningRate': 0.01})
case('rmsprop', {'learningRate': 0.01, 'centered': True})
case('rmsprop', {'learningRate': 0.005, 'momentum': 0.9})
case('rmsprop', {'learningRate': 0.005, 'momentum': 0.9, 'centered': True})
case('rmsprop', {'learningRate': 0.01, 'decay': 0.9, 'eps': 1e-6})
case('rmsprop', {'learningRate': 0.01, 'momentum': 0.5}, schedules={'learningRate': STEP_LR})
case('adam', {'learningRate': 0.01})
case('adam', {'learningRate': 0.05, 'b1': 0.8, 'b2': 0.99, 'eps': 1e-6})
case('adam', {'learningRate': 0.01, 'weightDecay': 0.1})
case('adam', {'learningRate': 0.02}, schedules={'learningRate': WARMUP_COS})
case('adam', {'learningRate': 0.01}, clip={'kind': 'globalNorm', 'maxNorm': 1.0})
case('adamw', {'learningRate': 0.01})
case('adamw', {'learningRate': 0.05, 'b1': 0.85, 'b2': 0.98, 'weightDecay': 0.1})
case('adamw', {'learningRate': 0.02, 'weightDecay': 0.05}, schedules={'learningRate': WARMUP_COS})
case('adamw', {'learningRate': 0.02, 'weightDecay': 0.2},
     schedules={'learningRate': STEP_LR, 'weightDecay': {'kind': 'step', 'stepSize': 5, 'gamma': 0.5}})


def main():
    for c in CASES:
        c['trajectory'] = run_case(c)
    out = {
        'about': 'PyTorch golden trajectories; written by tools/golden/optimizers.py, do not edit by hand',
        'torch': torch.__version__,
        'dtype': 'float32',
        'steps': STEPS,
        'params0': {k: tolist(v) for k, v in PARAMS0.items()},
        'randomGrads': [{k: tolist(v) for k, v in g.items()} for g in RANDOM_GRADS],
        'loss': {'formula': LOSS, 'X': tolist(X), 'Y': tolist(Y)},
        'schedules': {
            'step': 'base * gamma ** floor(t / stepSize)  (torch StepLR)',
            'warmupCosine': 'base * min(1, (t + 1) / warmup) * 0.5 * (1 + cos(pi * t / total))  (torch LambdaLR)',
        },
        'cases': CASES,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(CASES)} cases x {STEPS} steps to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()

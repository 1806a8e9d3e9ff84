"""Golden learning-rate trajectories from PyTorch's lr_scheduler, for src/schedules/*.test.ts.

Run from the repository root with Debian's Python (it has torch 1.13; the pyenv `python3` does not):

    /usr/bin/python3 tools/golden/schedules.py

It writes src/schedules/fixtures/torch-schedules.json. Each case records the learning rate that the
optimizer holds when update t is applied, for t = 0, 1, ..., i.e. the loop

    for t in range(n): lrs.append(opt.param_groups[0]['lr']); opt.step(); sched.step()

so torch's "last_epoch == t" is trainkit's step t (step 0 = the first update). `kind` and `options`
name the trainkit schedule that must reproduce the trajectory. Everything is float64 Python math.
"""
import json
import math
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')  # the deprecation warning of SequentialLR's step(0)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'schedules', 'fixtures', 'torch-schedules.json')


def trajectory(lr, make, n):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = SGD([p], lr=lr)
    sched = make(opt)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    return lrs


cases = []


def case(name, torch_call, kind, options, lrs, note=None):
    c = {'name': name, 'torch': torch_call, 'kind': kind, 'options': options, 'lrs': lrs}
    if note:
        c['note'] = note
    cases.append(c)


# --- step decay --------------------------------------------------------------------------------
case('MultiStepLR 30/60/90 x0.1', 'MultiStepLR(milestones=[30, 60, 90], gamma=0.1), lr=0.1',
     'stepDecay', {'init': 0.1, 'boundaries': [30, 60, 90], 'factor': 0.1},
     trajectory(0.1, lambda o: S.MultiStepLR(o, milestones=[30, 60, 90], gamma=0.1), 200))
case('StepLR every 50 x0.5', 'StepLR(step_size=50, gamma=0.5), lr=0.05',
     'stepDecay', {'init': 0.05, 'boundaries': [50, 100, 150, 200], 'factor': 0.5},
     trajectory(0.05, lambda o: S.StepLR(o, step_size=50, gamma=0.5), 240))

# --- exponential -------------------------------------------------------------------------------
case('ExponentialLR 0.98', 'ExponentialLR(gamma=0.98), lr=0.1',
     'exponentialDecay', {'init': 0.1, 'gamma': 0.98},
     trajectory(0.1, lambda o: S.ExponentialLR(o, gamma=0.98), 250))

# --- cosine (torch's recursive form; the closed form is checked against it below) ---------------
for eta_min, alpha in [(0.0, 0.0), (0.001, 0.01)]:
    T = 200
    lrs = trajectory(0.1, lambda o: S.CosineAnnealingLR(o, T_max=T, eta_min=eta_min), T + 1)
    closed = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(T + 1)]
    worst = max(abs(a - b) for a, b in zip(lrs, closed))
    print(f'CosineAnnealingLR eta_min={eta_min}: recursive vs closed form, max abs diff {worst:.3e}')
    assert worst < 1e-12, worst
    case(f'CosineAnnealingLR T=200 eta_min={eta_min}', f'CosineAnnealingLR(T_max=200, eta_min={eta_min}), lr=0.1',
         'cosineDecay', {'init': 0.1, 'decaySteps': T, 'alpha': alpha}, lrs,
         'steps 0..T only: after T torch climbs back up (the recursion is periodic), trainkit stays at alpha*init')

# --- SGDR ---------------------------------------------------------------------------------------
case('CosineAnnealingWarmRestarts T0=10 Tmult=1', 'CosineAnnealingWarmRestarts(T_0=10, T_mult=1, eta_min=0), lr=0.1',
     'sgdr', {'init': 0.1, 'period': 10, 'periodMult': 1, 'min': 0},
     trajectory(0.1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=1, eta_min=0), 200))
case('CosineAnnealingWarmRestarts T0=10 Tmult=2', 'CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=0.001), lr=0.1',
     'sgdr', {'init': 0.1, 'period': 10, 'periodMult': 2, 'min': 0.001},
     trajectory(0.1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.001), 320))
case('CosineAnnealingWarmRestarts T0=7 Tmult=3', 'CosineAnnealingWarmRestarts(T_0=7, T_mult=3, eta_min=0), lr=0.02',
     'sgdr', {'init': 0.02, 'period': 7, 'periodMult': 3, 'min': 0},
     trajectory(0.02, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=3), 300))

# --- cyclic ---------------------------------------------------------------------------------------
for mode, ours, gamma in [('triangular', 'triangular', 1.0), ('triangular2', 'triangular2', 1.0),
                          ('exp_range', 'expRange', 0.995)]:
    case(f'CyclicLR {mode}', f'CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=25, mode={mode!r}, gamma={gamma}, cycle_momentum=False)',
         'cyclic', {'min': 0.001, 'max': 0.1, 'stepSize': 25, 'mode': ours, 'gamma': gamma},
         trajectory(0.1, lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=25, mode=mode, gamma=gamma,
                                             cycle_momentum=False), 260))

# --- one cycle ------------------------------------------------------------------------------------
for anneal, three in [('cos', False), ('linear', False), ('cos', True)]:
    case(f'OneCycleLR {anneal}{" three_phase" if three else ""}',
         f'OneCycleLR(max_lr=0.1, total_steps=250, anneal_strategy={anneal!r}, three_phase={three}, cycle_momentum=False)',
         'oneCycle', {'maxLr': 0.1, 'totalSteps': 250, 'anneal': anneal, 'threePhase': three},
         trajectory(0.1, lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=250, anneal_strategy=anneal,
                                               three_phase=three, cycle_momentum=False), 250))
case('OneCycleLR pct 0.1 div 10 final 100', 'OneCycleLR(max_lr=0.5, total_steps=200, pct_start=0.1, div_factor=10, final_div_factor=100, cycle_momentum=False)',
     'oneCycle', {'maxLr': 0.5, 'totalSteps': 200, 'pctStart': 0.1, 'divFactor': 10, 'finalDivFactor': 100},
     trajectory(0.5, lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=200, pct_start=0.1, div_factor=10,
                                           final_div_factor=100, cycle_momentum=False), 200))

# --- linear ---------------------------------------------------------------------------------------
case('LinearLR 1 -> 0 over 200', 'LinearLR(start_factor=1.0, end_factor=0.0, total_iters=200), lr=0.1',
     'linear', {'from': 0.1, 'to': 0.0, 'steps': 200},
     trajectory(0.1, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=200), 230))
case('LinearLR warmup 0.1 -> 1 over 50', 'LinearLR(start_factor=0.1, end_factor=1.0, total_iters=50), lr=0.1',
     'warmup', {'from': 0.01, 'to': 0.1, 'steps': 50},
     trajectory(0.1, lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=50), 200))

# --- inverse square root (LambdaLR with trainkit's documented formula: n = t + 1 updates) ---------
for w in [0, 20]:
    lam = (lambda t: 1 / math.sqrt(t + 1)) if w == 0 else (lambda t: min((t + 1) / w, math.sqrt(w / (t + 1))))
    case(f'LambdaLR inverse sqrt warmup={w}',
         'LambdaLR(lambda t: 1/sqrt(t+1)), lr=0.1' if w == 0 else f'LambdaLR(lambda t: min((t+1)/{w}, sqrt({w}/(t+1)))), lr=0.1',
         'inverseSqrt', {'init': 0.1, 'warmupSteps': w},
         trajectory(0.1, lambda o: S.LambdaLR(o, lam), 220))

# --- join: linear warmup then cosine (SequentialLR) -----------------------------------------------
def seq(o):
    warm = S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=20)
    cos = S.CosineAnnealingLR(o, T_max=180, eta_min=0.0)
    return S.SequentialLR(o, [warm, cos], milestones=[20])


case('SequentialLR warmup 20 then cosine 180', 'SequentialLR([LinearLR(0.1, 1.0, 20), CosineAnnealingLR(T_max=180)], milestones=[20]), lr=0.1',
     'join', {'schedules': [{'kind': 'warmup', 'options': {'from': 0.01, 'to': 0.1, 'steps': 20}},
                            {'kind': 'cosineDecay', 'options': {'init': 0.1, 'decaySteps': 180}}],
              'boundaries': [20]},
     trajectory(0.1, seq, 201))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'generator': 'tools/golden/schedules.py', 'torch': torch.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')

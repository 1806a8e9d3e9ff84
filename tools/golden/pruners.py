"""Golden pruning decisions from Optuna 3.1's pruners, for src/tune/pruners/*.test.ts.

Run from the repository root with Debian's Python (python3-optuna 3.1):

    /usr/bin/python3 tools/golden/pruners.py

It writes src/tune/pruners/fixtures/optuna-pruners.json. Each scenario runs trials whose learning
curves are fixed formulas (one all-NaN), `parallel` at a time in round-robin (so running trials are
visible to each other), reports one value per step, asks the pruner after every report, and stops
a trial when it is pruned or after its last step. It records, per trial, the step at which it was
pruned (or null). (No report crosses two rungs at once: trainkit reads rung values from the
intermediate values, and when a pruned trial's last report crossed several rungs the store does not
say which one pruned it.) Hyperband's budgets and bracket of each trial number are recorded too.
"""
import json
import math
import os
import warnings

import optuna
from optuna.pruners import HyperbandPruner, MedianPruner, SuccessiveHalvingPruner
from optuna.trial import TrialState

warnings.filterwarnings('ignore')
optuna.logging.set_verbosity(optuna.logging.ERROR)

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'tune', 'pruners', 'fixtures', 'optuna-pruners.json')


def curve(i, step):
    """Trial i's value at `step`: a noisy decaying curve; trial 7 is all NaN."""
    if i == 7:
        return float('nan')
    a = ((i * 37) % 11) / 10.0
    b = 1.0 + ((i * 13) % 7) / 3.0
    wiggle = 0.05 * (((i * 31 + step * 17) % 9) - 4) / 4.0
    return a + b / (step + 1) + wiggle


def run(name, make_pruner, direction, n_trials, steps, parallel, study_name='golden-study'):
    sign = 1 if direction == 'minimize' else -1
    study = optuna.create_study(direction=direction, pruner=make_pruner(), study_name=study_name)
    pruned_at = {}
    next_number = 0
    active = []  # [trial, i, next step index]
    while next_number < n_trials or active:
        while len(active) < parallel and next_number < n_trials:
            active.append([study.ask(), next_number, 0])
            next_number += 1
        for slot in list(active):
            trial, i, k = slot
            step = steps[k]
            v = sign * curve(i, step)
            trial.report(v, step)
            if trial.should_prune():
                study.tell(trial, state=TrialState.PRUNED)
                pruned_at[i] = step
                active.remove(slot)
            elif k + 1 == len(steps):
                study.tell(trial, v)
                pruned_at[i] = None
                active.remove(slot)
            else:
                slot[2] = k + 1
    return {'name': name, 'direction': direction, 'nTrials': n_trials, 'steps': steps, 'parallel': parallel,
            'studyName': study_name, 'prunedAt': [pruned_at[i] for i in range(n_trials)]}


steps30 = list(range(0, 30))
steps300 = list(range(0, 300))
# Reports that skip rung steps (rungs at 1, 3, 9, 27), each crossing one rung at a time.
sparse = [0, 2, 3, 5, 10, 12, 20, 29]
scenarios = []
for direction in ['minimize', 'maximize']:
    for parallel in [1, 4]:
        scenarios.append(run('median', lambda: MedianPruner(), direction, 24, steps30, parallel))
        scenarios.append(run('median(startupTrials=2, warmupSteps=3, intervalSteps=4)',
                             lambda: MedianPruner(n_startup_trials=2, n_warmup_steps=3, interval_steps=4),
                             direction, 24, steps30, parallel))
        scenarios.append(run('successiveHalving', lambda: SuccessiveHalvingPruner(min_resource=1), direction, 30, steps30, parallel))
        scenarios.append(run('successiveHalving(minResource=2, reductionFactor=3, minEarlyStoppingRate=1)',
                             lambda: SuccessiveHalvingPruner(min_resource=2, reduction_factor=3, min_early_stopping_rate=1),
                             direction, 30, steps30, parallel))
        scenarios.append(run('successiveHalving sparse steps', lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
                             direction, 30, sparse, parallel))
        scenarios.append(run('hyperband(maxResource=30)', lambda: HyperbandPruner(min_resource=1, max_resource=30),
                             direction, 40, steps30, parallel, 'hb-study'))
        # 'auto' resources: nothing is pruned until a trial completes; then min_resource =
        # max(last step // 100, 1) = 2 (rungs 2, 8, 32, 128) and hyperband's max_resource = last step + 1.
        scenarios.append(run('successiveHalving(minResource=auto)', lambda: SuccessiveHalvingPruner(min_resource='auto'),
                             direction, 16, steps300, parallel))
        scenarios.append(run('hyperband(maxResource=auto)', lambda: HyperbandPruner(min_resource=1, max_resource='auto'),
                             direction, 24, steps300, parallel, 'hb-study'))
        scenarios.append(run('hyperband(minResource=2, maxResource=30, reductionFactor=2)',
                             lambda: HyperbandPruner(min_resource=2, max_resource=30, reduction_factor=2),
                             direction, 40, steps30, parallel, 'another study'))

brackets = []
for study_name, min_r, max_r, eta in [('hb-study', 1, 30, 3), ('another study', 2, 30, 2), ('x', 1, 81, 3),
                                      ('x', 1, 27, 3), ('résumé', 1, 100, 4), ('x', 3, 3, 3)]:
    p = HyperbandPruner(min_resource=min_r, max_resource=max_r, reduction_factor=eta)
    study = optuna.create_study(study_name=study_name, pruner=p)
    p._try_initialization(study)
    numbers = list(range(60))
    ids = []
    for n in numbers:
        t = optuna.trial.create_trial(value=0.0)
        t.number = n
        ids.append(p._get_bracket_id(study, t))
    brackets.append({'studyName': study_name, 'minResource': min_r, 'maxResource': max_r, 'reductionFactor': eta,
                     'budgets': p._trial_allocation_budgets, 'brackets': ids})

with open(OUT, 'w') as f:
    json.dump({'optuna': optuna.__version__, 'scenarios': scenarios, 'hyperband': brackets}, f, indent=1)
    f.write('\n')
print('wrote', os.path.normpath(OUT), len(scenarios), 'scenarios')

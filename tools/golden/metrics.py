"""Golden values of trainkit's accumulated metrics from scikit-learn, for src/train/metrics.test.ts.

Run from the repository root with Debian's Python:

    /usr/bin/python3 tools/golden/metrics.py

It writes src/train/fixtures/sklearn-metrics.json. Classification cases hold logits (the predicted
class is their argmax) and labels, with sklearn's precision_score / recall_score / f1_score
(average='macro', default zero_division: an undefined ratio counts as 0, and classes absent from
both labels and predictions are left out of the mean) and confusion_matrix (rows: true class,
columns: predicted). AUC cases hold one score per example (with ties) and 0/1 labels, with
roc_auc_score.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score

rng = np.random.default_rng(0)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'train', 'fixtures', 'sklearn-metrics.json')


def classification(name, logits, labels):
    pred = logits.argmax(1)
    C = logits.shape[1]
    return {
        'name': name,
        'logits': logits.tolist(),
        'labels': labels.tolist(),
        'precision': precision_score(labels, pred, average='macro', zero_division=0),
        'recall': recall_score(labels, pred, average='macro', zero_division=0),
        'f1': f1_score(labels, pred, average='macro', zero_division=0),
        'confusion': confusion_matrix(labels, pred, labels=list(range(C))).tolist(),
    }


cases = []
# A noisy 4-class problem: logits favour the true class a little.
labels = rng.integers(0, 4, 50)
logits = rng.normal(0, 1, (50, 4))
logits[np.arange(50), labels] += 0.8
cases.append(classification('four classes, 50 examples', np.round(logits, 4), labels))
# Class 4 never occurs (in labels or predictions): sklearn leaves it out of the macro mean.
# Class 3 is predicted but never true: its recall is 0/0 (counted as 0); class 2 is true but never predicted.
labels = np.array([0, 0, 1, 1, 1, 2, 2, 0, 1, 0, 2, 1])
logits = rng.normal(0, 1, (12, 5))
logits[:, 4] = -100
logits[:, 2] -= 100
logits[[1, 4, 9], 3] = 50
cases.append(classification('a class never seen, one never predicted, one never true', np.round(logits, 4), labels))

auc = []
scores = np.round(rng.normal(0, 1, 40), 1)  # rounded to one decimal: many ties
y = (rng.random(40) < 0.3 + 0.4 * (scores > 0)).astype(int)
auc.append({'name': 'scores with ties', 'scores': scores.tolist(), 'labels': y.tolist(), 'auc': roc_auc_score(y, scores)})
scores = np.array([0.5, 0.5, 0.5, 0.5, 0.2, 0.9])
y = np.array([1, 0, 1, 0, 0, 1])
auc.append({'name': 'a block of tied positives and negatives', 'scores': scores.tolist(), 'labels': y.tolist(), 'auc': roc_auc_score(y, scores)})
scores = rng.normal(0, 2, 200)
y = (rng.random(200) < 1 / (1 + np.exp(-scores))).astype(int)
auc.append({'name': '200 distinct scores', 'scores': np.round(scores, 6).tolist(), 'labels': y.tolist(), 'auc': roc_auc_score(y, np.round(scores, 6))})

with open(OUT, 'w') as f:
    json.dump({'sklearn': sklearn.__version__, 'classification': cases, 'auc': auc}, f, indent=1)
print(f'{len(cases)} + {len(auc)} cases -> {OUT}')

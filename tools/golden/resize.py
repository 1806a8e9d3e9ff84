"""Golden image resizes from PyTorch, for src/data/resize.test.ts.

Run from the repository root with Debian's Python (it has torch 1.13; the pyenv `python3` does not):

    /usr/bin/python3 tools/golden/resize.py

It writes src/data/fixtures/torch-resize.json. Each case resizes one HWC float64 image with
F.interpolate(mode='bilinear', align_corners=False, antialias=True), which implements PIL's
BILINEAR resampling (a triangle filter widened by the shrink factor), the filter trainkit uses.
The source pixels are (37·(y·W + x) + 11·c) mod 256 / 255: every value differs from its
neighbours, so a shifted or mis-weighted tap changes the result.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'data', 'fixtures', 'torch-resize.json')


def source(h, w, c):
    return [[[((37 * (y * w + x) + 11 * k) % 256) / 255 for k in range(c)] for x in range(w)] for y in range(h)]


def resize(img, out_h, out_w):
    t = torch.tensor(img, dtype=torch.float64).permute(2, 0, 1)[None]  # 1 × C × H × W
    r = F.interpolate(t, size=(out_h, out_w), mode='bilinear', align_corners=False, antialias=True)
    return r[0].permute(1, 2, 0).reshape(-1).tolist()


cases = []
for (h, w, c, out_h, out_w) in [
    (7, 9, 3, 3, 4),     # shrink both ways by non-integer factors
    (8, 8, 1, 2, 2),     # shrink by 4: each output pixel reads a 7-wide window
    (3, 4, 3, 7, 10),    # enlarge both ways: plain bilinear, edges repeated
    (6, 5, 1, 11, 2),    # enlarge rows, shrink columns
    (5, 6, 3, 5, 3),     # columns only
]:
    img = source(h, w, c)
    cases.append({'height': h, 'width': w, 'channels': c, 'outHeight': out_h, 'outWidth': out_w,
                  'expected': resize(img, out_h, out_w)})

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
    f.write('\n')
print(f'wrote {len(cases)} cases to {OUT}')

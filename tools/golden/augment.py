"""Golden colour statistics and colour adjustments from PyTorch, for src/augment/color.test.ts.

Run from the repository root with Debian's Python (torch 1.13):

    /usr/bin/python3 tools/golden/augment.py

It writes src/augment/fixtures/torch-color.json:
- `pca`: the eigenvalues (ascending, as torch.linalg.eigh gives them) and unit eigenvectors (columns)
  of the covariance of the pixel colours of a small RGB batch (population covariance, divided by N);
- `jitter`: one image adjusted by brightness, contrast and saturation factors with torchvision's
  formulas (functional_tensor.adjust_*: blend(img, other, factor) = factor·img + (1 − factor)·other,
  other = 0 for brightness, mean grey for contrast, per-pixel grey for saturation, grey =
  0.299 R + 0.587 G + 0.114 B), in that order. The pixels lie in [0.25, 0.75] and the factors near 1,
  so torchvision's clamp to [0, 1] after each step never acts.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'augment', 'fixtures', 'torch-color.json')


def pixels(n, h, w):
    # A batch whose colours vary mostly along one direction, plus structured smaller variation.
    vals = []
    for i in range(n * h * w):
        t = ((i * 37) % 101) / 101
        s = ((i * 53) % 89) / 89
        vals.append([0.25 + 0.5 * t, 0.3 + 0.3 * t + 0.1 * s, 0.4 + 0.1 * s])
    return torch.tensor(vals, dtype=torch.float64)


def grey(img):
    return 0.299 * img[..., 0] + 0.587 * img[..., 1] + 0.114 * img[..., 2]


def main():
    n, h, w = 3, 4, 5
    px = pixels(n, h, w)
    centred = px - px.mean(0)
    cov = centred.T @ centred / px.shape[0]
    values, vectors = torch.linalg.eigh(cov)
    img = px[: h * w].reshape(h, w, 3)
    b, c, s = 1.1, 0.8, 1.3
    x = img * b
    x = c * x + (1 - c) * grey(x).mean()
    x = s * x + (1 - s) * grey(x)[..., None]
    out = {
        'images': {'shape': [n, h, w, 3], 'values': px.reshape(-1).tolist()},
        'pca': {'values': values.tolist(), 'vectors': vectors.tolist()},
        'jitter': {'brightness': b, 'contrast': c, 'saturation': s, 'out': x.reshape(-1).tolist()},
    }
    with open(OUT, 'w') as f:
        json.dump(out, f)


main()

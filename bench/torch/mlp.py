#!/usr/bin/python3
"""PyTorch baseline of bench/engine.ts: the same MLP 784-512-512-10 (ReLU), softmax cross-entropy,
Adam (lr 1e-3), batch 128, on Fashion-MNIST (synthetic data of the same shape if it is absent),
plus a 1024^3 float32 GEMM.

Run by bench/engine.ts, which sets the environment; by hand, the timed configuration is:

    env -u OPENBLAS_CORETYPE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
        OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch/mlp.py --threads 2

(Debian's python3-torch 1.13; /usr/bin/python3, not a pyenv python without torch.)
`--check-steps K` instead prints the first K training losses of a fixed, unshuffled run, for
comparing BLAS libraries. Timed runs use PyTorch's best CPU settings (common.at_its_best: denormals
flushed, glibc's malloc thresholds raised; `--plain` leaves them). Prints one JSON object on stdout, including which BLAS library files
the process actually mapped (from /proc/self/maps).
"""
import argparse
import json
import os
import statistics
import time

import torch

from common import PLAIN_SETTINGS, at_its_best, blas_libraries, environment_record, check_losses, measure_throughput, read_idx

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def load_train(directory):
    images = os.path.join(directory, "train-images-idx3-ubyte.gz")
    labels = os.path.join(directory, "train-labels-idx1-ubyte.gz")
    if not (os.path.exists(images) and os.path.exists(labels)):
        g = torch.Generator().manual_seed(0)
        return (torch.rand(60000, 784, generator=g), torch.randint(0, 10, (60000,), generator=g),
                "synthetic uniform images (Fashion-MNIST not installed)")
    dims, pixels = read_idx(images, 2051)
    _, labs = read_idx(labels, 2049)
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims[0], 784).float() / 255
    y = torch.frombuffer(bytearray(labs), dtype=torch.uint8).long()
    return x, y, f"Fashion-MNIST train ({directory})"


def mlp(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10),
    )


def time_mm(a, b, reps):
    """torch.mm(a, b) once untimed, then `reps` timed calls: their times in ms, sorted."""
    torch.mm(a, b)
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        ms.append((time.perf_counter() - t0) * 1000)
    return sorted(ms)


def measure_gemm(n, reps):
    g = torch.Generator().manual_seed(7)
    ms = time_mm(torch.randn(n, n, generator=g), torch.randn(n, n, generator=g), reps)
    return {"gflops": 2 * n ** 3 / (statistics.median(ms) * 1e6), "ms": ms}


# The matrix products of one training step of the MLP at batch 128 (bench/lib/mlp.ts MLP_PRODUCTS):
# (name, m, k, n, transpose_a, transpose_b); a transposed operand is a view, as autograd holds it.
MLP_PRODUCTS = [
    ("layer 1 forward", 128, 784, 512, False, False),
    ("layer 2 forward", 128, 512, 512, False, False),
    ("layer 3 forward", 128, 512, 10, False, False),
    ("layer 3 input gradient", 128, 10, 512, False, True),
    ("layer 3 weight gradient", 512, 128, 10, True, False),
    ("layer 2 input gradient", 128, 512, 512, False, True),
    ("layer 2 weight gradient", 512, 128, 512, True, False),
    ("layer 1 weight gradient", 784, 128, 512, True, False),
]


def measure_products(reps):
    g = torch.Generator().manual_seed(11)
    out = []
    for name, m, k, n, ta, tb in MLP_PRODUCTS:
        a = torch.randn(k, m, generator=g).t() if ta else torch.randn(m, k, generator=g)
        b = torch.randn(n, k, generator=g).t() if tb else torch.randn(k, n, generator=g)
        med = statistics.median(time_mm(a, b, reps))
        out.append({"name": name, "ms": med, "gflops": 2 * m * n * k / (med * 1e6)})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default=FASHION_MNIST)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--intervals", type=int, default=5)
    p.add_argument("--steps", type=int, default=100, help="steps per timed interval")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--check-steps", type=int, default=0)
    p.add_argument("--plain", action="store_true", help="timed runs: without common.at_its_best's settings")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    # Timed runs get PyTorch's best CPU settings (common.at_its_best); the loss check compares BLAS libraries as they come.
    settings = PLAIN_SETTINGS if args.plain or args.check_steps else at_its_best()
    x, y, source = load_train(args.data)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "data": source,
           "env": environment_record(),
           "settings": settings}
    if args.check_steps:
        out["losses"] = check_losses(mlp, x, y, args.check_steps, args.batch, args.seed)
    else:
        out["gemm1024"] = measure_gemm(1024, 10)
        out["products"] = measure_products(100)
        out["mlp"] = measure_throughput(mlp, x, y, args.batch, args.warmup, args.intervals, args.steps, args.seed)
    out["blas"] = blas_libraries()
    print(json.dumps(out))


if __name__ == "__main__":
    main()

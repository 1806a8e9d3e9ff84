#!/usr/bin/python3
"""PyTorch baseline of bench/training.ts: the CNN 28x28x1 conv3x3(32)-ReLU-conv3x3(64)-ReLU-maxpool2-
dense128-ReLU-dense10 (valid padding, as tfjs-layers' default), softmax cross-entropy, on Fashion-MNIST.

Three modes, each printing one JSON object on stdout (with the BLAS libraries the process mapped,
from /proc/self/maps, and its peak RSS):

  --mode throughput   training examples/s, Adam lr 1e-3, batch 64: median of timed intervals after warm-up
  --mode check        the first --check-steps losses of a fixed, unshuffled Adam run (to compare BLAS libraries)
  --mode tta          time to --target test accuracy: AdamW + linear warmup then cosine (trainkit's
                      warmupCosine: lr(t) = peak*t/w for t < w, then 0.5*peak*(1+cos(pi*(t-w)/T))), evaluated on
                      the full 10k test set every --eval-every steps, stopped at the target or at --cap-s seconds

Run by bench/training.ts, which sets the environment; by hand, the timed configuration is:

    env -u OPENBLAS_CORETYPE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
        OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch/cnn.py --threads 2 --mode throughput

(Debian's python3-torch 1.13; /usr/bin/python3.) The timed modes use PyTorch's best CPU settings
(common.at_its_best: denormals flushed, glibc's malloc thresholds raised; `--plain` leaves them). Convolutions run on oneDNN (Debian builds torch with
MKL-DNN), dense layers on the BLAS. Initialisation is PyTorch's default; bench/lib/cnn.ts gives the
tfjs model the same distributions.
"""
import argparse
import json
import math
import os
import time

import torch

from common import PLAIN_SETTINGS, Batches, at_its_best, blas_libraries, environment_record, check_losses, measure_throughput, peak_rss_mb, read_idx, train_step

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def load(directory, split, limit=None):
    prefix = "train" if split == "train" else "t10k"
    images = os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz")
    labels = os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz")
    if not (os.path.exists(images) and os.path.exists(labels)):
        raise SystemExit(f"Fashion-MNIST {split} split not found in {directory} (apt-get install dataset-fashion-mnist)")
    dims, pixels = read_idx(images, 2051)
    _, labs = read_idx(labels, 2049)
    n = dims[0] if limit is None else min(limit, dims[0])
    x = torch.frombuffer(bytearray(pixels[:n * 784]), dtype=torch.uint8).reshape(n, 1, 28, 28).float() / 255
    y = torch.frombuffer(bytearray(labs[:n]), dtype=torch.uint8).long()
    return x, y


def cnn(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(12 * 12 * 64, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )


def warmup_cosine(peak, warmup_steps, decay_steps):
    """trainkit's warmupCosine (end 0): step 0 is the first update."""
    def lr(t):
        if t < warmup_steps:
            return peak * t / warmup_steps
        u = min(t - warmup_steps, decay_steps)
        return 0.5 * peak * (1 + math.cos(math.pi * u / decay_steps))
    return lr


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], batch):
        correct += int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum())
    model.train()
    return correct / x.shape[0]


def time_to_accuracy(x, y, tx, ty, a):
    steps_per_epoch = math.ceil(x.shape[0] / a.batch)
    warmup_steps = a.warmup_steps
    decay_steps = a.epochs * steps_per_epoch - warmup_steps
    schedule = warmup_cosine(a.peak_lr, warmup_steps, decay_steps)
    model = cnn(a.seed)
    # lr=1 scaled by the LambdaLR factor = schedule(t); weight decay is decoupled and multiplied by lr, as trainkit's adamw.
    opt = torch.optim.AdamW(model.parameters(), lr=1.0, weight_decay=a.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    batches = Batches(x, y, a.batch, a.seed + 1)
    evals, reached, step = [], None, 0
    train_s = eval_s = 0.0
    t0 = time.perf_counter()
    while step < a.epochs * steps_per_epoch:
        ts = time.perf_counter()
        for _ in range(min(a.eval_every, a.epochs * steps_per_epoch - step)):
            train_step(model, opt, *batches.next())
            sched.step()
            step += 1
        te = time.perf_counter()
        train_s += te - ts
        acc = evaluate(model, tx, ty)
        eval_s += time.perf_counter() - te
        elapsed = time.perf_counter() - t0
        evals.append({"step": step, "epoch": step / steps_per_epoch, "accuracy": acc, "seconds": elapsed})
        print(json.dumps({"progress": evals[-1]}), flush=True)
        if acc >= a.target:
            reached = evals[-1]
            break
        if elapsed > a.cap_s:
            break
    return {"target": a.target, "reached": reached is not None, "seconds": reached["seconds"] if reached else None,
            "steps": step, "epochs": step / steps_per_epoch, "wallSeconds": time.perf_counter() - t0,
            "trainSeconds": train_s, "evalSeconds": eval_s, "capSeconds": a.cap_s,
            "bestAccuracy": max(e["accuracy"] for e in evals), "evaluations": evals,
            "recipe": {"optimizer": "AdamW", "peakLr": a.peak_lr, "weightDecay": a.weight_decay,
                       "warmupSteps": warmup_steps, "decaySteps": decay_steps, "batch": a.batch,
                       "scheduleEpochs": a.epochs, "evalEvery": a.eval_every, "seed": a.seed}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["throughput", "check", "tta"], default="throughput")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default=FASHION_MNIST)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=10, help="throughput: untimed steps")
    p.add_argument("--intervals", type=int, default=5)
    p.add_argument("--steps", type=int, default=30, help="throughput: steps per timed interval")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    p.add_argument("--check-steps", type=int, default=3)
    p.add_argument("--target", type=float, default=0.91)
    p.add_argument("--cap-s", type=float, default=900)
    p.add_argument("--peak-lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup-steps", type=int, default=200)
    p.add_argument("--epochs", type=int, default=6, help="tta: length of the schedule, in epochs")
    p.add_argument("--eval-every", type=int, default=235)
    p.add_argument("--plain", action="store_true", help="timed modes: without common.at_its_best's settings")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    # Timed modes get PyTorch's best CPU settings (common.at_its_best); the loss check compares BLAS libraries as they come.
    settings = PLAIN_SETTINGS if args.plain or args.mode == "check" else at_its_best()
    x, y = load(args.data, "train", args.limit)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available(),
           "data": f"Fashion-MNIST ({args.data})",
           "env": environment_record(),
           "settings": settings}
    if args.mode == "check":
        out["losses"] = check_losses(cnn, x, y, args.check_steps, args.batch, args.seed)
    elif args.mode == "throughput":
        out["cnn"] = measure_throughput(cnn, x, y, args.batch, args.warmup, args.intervals, args.steps, args.seed)
    else:
        tx, ty = load(args.data, "test")
        out["tta"] = time_to_accuracy(x, y, tx, ty, args)
    out["blas"] = blas_libraries()
    out["peakRssMb"] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()

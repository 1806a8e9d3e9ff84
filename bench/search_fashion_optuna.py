"""Optuna 3.1 + PyTorch 1.13 side of bench/search-fashion.ts, under issue 8's protocol: train = the
first 50,000 Fashion-MNIST training images, validation = the last 10,000, test = the test set, x/255;
an MLP of 1-3 hidden ReLU layers with per-layer width 64-512 (log) and dropout 0-0.5, AdamW at a
constant lr 1e-4-1e-1 (log) with weight decay 1e-6-1e-1 (log), batch {64, 128, 256}; up to 8 epochs,
the validation accuracy reported after each (maximised); TPE (constant liar) + median pruner; worker
processes sharing an SQLite RDB store, one thread each.

  stdin: {"storage": "sqlite:///...", "study": "...", "seconds": 600, "workers": 2, "epochs": 8, "train": 50000}
  stdout (last line): {"optuna": version, "torch": version, "blas": [...], "trials": [{number, state,
          value, finished_s, test_accuracy}], "wall_s": seconds}

A worker is this script with --worker (it reads the same JSON from a file named by its argument).
"""
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "torch"))
FASHION = "/usr/share/datasets/fashion-mnist"


def load(split_prefix, limit=None):
    from common import read_idx  # noqa: E402  (bench/torch/common.py)

    (n, h, w), pixels = read_idx(os.path.join(FASHION, f"{split_prefix}-images-idx3-ubyte.gz"), 2051)
    (_,), labels = read_idx(os.path.join(FASHION, f"{split_prefix}-labels-idx1-ubyte.gz"), 2049)
    x = np.frombuffer(pixels, dtype=np.uint8).reshape(n, h * w).astype(np.float32) / 255.0
    y = np.frombuffer(labels, dtype=np.uint8).astype(np.int64)
    if limit is not None:
        x, y = x[:limit], y[:limit]
    return x, y


def worker(config_path, index):
    import optuna
    import torch

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open(config_path) as f:
        cfg = json.load(f)
    epochs = cfg["epochs"]
    n_train = cfg["train"]
    x, y = load("train")
    xt, yt = load("t10k")
    xtr, ytr = torch.from_numpy(x[:n_train]), torch.from_numpy(y[:n_train])
    xva, yva = torch.from_numpy(x[n_train:]), torch.from_numpy(y[n_train:])
    xte, yte = torch.from_numpy(xt), torch.from_numpy(yt)

    def evaluate(model, xs, ys):
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(xs[i : i + 1000]) for i in range(0, len(xs), 1000)])
            loss = torch.nn.functional.cross_entropy(logits, ys).item()
            acc = (logits.argmax(1) == ys).float().mean().item()
        model.train()
        return loss, acc

    def objective(trial):
        torch.manual_seed(trial.number)
        layers = trial.suggest_int("layers", 1, 3)
        mods, fan_in = [], 784
        for i in range(1, layers + 1):
            units = trial.suggest_int(f"units_l{i}", 64, 512, log=True)
            dropout = trial.suggest_float(f"dropout_l{i}", 0, 0.5)
            lin = torch.nn.Linear(fan_in, units)
            torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            torch.nn.init.zeros_(lin.bias)
            mods += [lin, torch.nn.ReLU()] + ([torch.nn.Dropout(dropout)] if dropout > 0 else [])
            fan_in = units
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        weight_decay = trial.suggest_float("weightDecay", 1e-6, 1e-1, log=True)
        batch_size = trial.suggest_categorical("batchSize", [64, 128, 256])
        last = torch.nn.Linear(fan_in, 10)
        torch.nn.init.normal_(last.weight, std=0.01)
        torch.nn.init.zeros_(last.bias)
        model = torch.nn.Sequential(*mods, last)
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        gen = torch.Generator().manual_seed(trial.number)
        val_acc = float("nan")
        for epoch in range(epochs):
            perm = torch.randperm(len(xtr), generator=gen)
            for i in range(0, len(xtr), batch_size):
                idx = perm[i : i + batch_size]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
                loss.backward()
                opt.step()
            val_loss, val_acc = evaluate(model, xva, yva)
            if not math.isfinite(val_loss):
                raise ValueError(f"non-finite validation loss {val_loss}")
            trial.report(val_acc, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        _, test_acc = evaluate(model, xte, yte)
        trial.set_user_attr("test_accuracy", test_acc)
        return val_acc

    study = optuna.load_study(
        study_name=cfg["study"],
        storage=cfg["storage"],
        sampler=optuna.samplers.TPESampler(seed=index, constant_liar=True),
        pruner=optuna.pruners.MedianPruner(),
    )
    deadline = cfg["started"] + cfg["seconds"]

    # Optuna's own timeout counts from this call; the deadline is the shared start's.
    study.optimize(objective, timeout=max(1.0, deadline - time.time()), catch=(ValueError, RuntimeError))


def main():
    import subprocess

    import optuna
    import torch

    cfg = json.load(sys.stdin)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.create_study(study_name=cfg["study"], storage=cfg["storage"], direction="maximize")
    cfg["started"] = time.time()
    path = cfg["storage"].replace("sqlite:///", "") + ".json"
    with open(path, "w") as f:
        json.dump(cfg, f)
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", path, str(i + 1)]) for i in range(cfg["workers"])]
    for p in procs:
        p.wait()
    study = optuna.load_study(study_name=cfg["study"], storage=cfg["storage"])
    trials = [
        {
            "number": t.number,
            "state": t.state.name.lower(),
            "value": t.value,
            "finished_s": (t.datetime_complete.timestamp() - cfg["started"]) if t.datetime_complete else None,
            "test_accuracy": t.user_attrs.get("test_accuracy"),
        }
        for t in study.get_trials(deepcopy=False)
    ]
    from common import blas_libraries  # noqa: E402

    torch.ones(64, 64) @ torch.ones(64, 64)
    print(json.dumps({"optuna": optuna.__version__, "torch": torch.__version__, "blas": blas_libraries(), "trials": trials, "wall_s": time.time() - cfg["started"]}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        main()

"""Optuna 3.1 + PyTorch 1.13 side of bench/search-fashion.ts: the search of examples/tune-fashion.ts
(an MLP on Fashion-MNIST: lr, weight decay, width, depth, dropout, batch size; AdamW under linear
warmup + cosine decay; the validation loss reported after every epoch) with TPE (constant liar) and
successive halving (ASHA, minResource 1, reduction factor 3), in worker processes sharing an SQLite
RDB store, one thread each. The training and validation images are the same as trainkit's (their
indices come on stdin).

  stdin: {"storage": "sqlite:///…", "study": "…", "seconds": 600, "workers": 2, "epochs": 9,
          "train_indices": [...], "validation_indices": [...], "trials": 100}
  stdout (last line): {"optuna": version, "torch": version, "blas": [...], "trials": [{number, state,
          value, finished_s, test_accuracy, params}], "started": epoch seconds}

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
    limit = max(max(cfg["train_indices"]), max(cfg["validation_indices"])) + 1
    x, y = load("train", limit)
    xt, yt = load("t10k")
    tr = np.array(cfg["train_indices"])
    va = np.array(cfg["validation_indices"])
    xtr, ytr = torch.from_numpy(x[tr]), torch.from_numpy(y[tr])
    xva, yva = torch.from_numpy(x[va]), torch.from_numpy(y[va])
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
        lr = trial.suggest_float("lr", 1e-4, 3e-2, log=True)
        weight_decay = trial.suggest_float("weightDecay", 1e-6, 1e-1, log=True)
        units = trial.suggest_int("units", 32, 512, log=True)
        layers = trial.suggest_int("layers", 1, 3)
        dropout = trial.suggest_float("dropout", 0, 0.5)
        batch_size = trial.suggest_categorical("batchSize", [64, 128, 256])
        torch.manual_seed(trial.number)
        mods, fan_in = [], 784
        for _ in range(layers):
            lin = torch.nn.Linear(fan_in, units)
            torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            torch.nn.init.zeros_(lin.bias)
            mods += [lin, torch.nn.ReLU()] + ([torch.nn.Dropout(dropout)] if dropout > 0 else [])
            fan_in = units
        last = torch.nn.Linear(fan_in, 10)
        torch.nn.init.normal_(last.weight, std=0.01)
        torch.nn.init.zeros_(last.bias)
        model = torch.nn.Sequential(*mods, last)
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        steps_per_epoch = math.ceil(len(xtr) / batch_size)
        steps = epochs * steps_per_epoch
        warmup = min(200, steps // 10)

        def factor(step):  # trainkit's warmupCosine(peak=1, warmupSteps, decaySteps = steps - warmup), step = updates done
            if step < warmup:
                return step / warmup
            t = min(step - warmup, steps - warmup) / (steps - warmup)
            return 0.5 * (1 + math.cos(math.pi * t))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        gen = torch.Generator().manual_seed(trial.number)
        val_loss = float("nan")
        for epoch in range(epochs):
            perm = torch.randperm(len(xtr), generator=gen)
            for i in range(0, len(xtr), batch_size):
                idx = perm[i : i + batch_size]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
                loss.backward()
                opt.step()
                sched.step()
            val_loss, _ = evaluate(model, xva, yva)
            if not math.isfinite(val_loss):
                raise ValueError(f"non-finite validation loss {val_loss}")
            trial.report(val_loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        _, test_acc = evaluate(model, xte, yte)
        trial.set_user_attr("test_accuracy", test_acc)
        return val_loss

    study = optuna.load_study(
        study_name=cfg["study"],
        storage=cfg["storage"],
        sampler=optuna.samplers.TPESampler(seed=index, n_startup_trials=8, constant_liar=True),
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
    )
    deadline = cfg["started"] + cfg["seconds"]

    def budget(study_, _trial):
        done = [t for t in study_.get_trials(deepcopy=False) if t.state.name in ("COMPLETE", "PRUNED", "RUNNING")]
        if len(done) >= cfg["trials"]:
            study_.stop()

    # Optuna's own timeout counts from this call; the deadline is the shared start's.
    study.optimize(objective, timeout=max(1.0, deadline - time.time()), callbacks=[budget], catch=(ValueError, RuntimeError))


def main():
    import subprocess

    import optuna
    import torch

    cfg = json.load(sys.stdin)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.create_study(study_name=cfg["study"], storage=cfg["storage"], direction="minimize")
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
            "params": t.params,
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

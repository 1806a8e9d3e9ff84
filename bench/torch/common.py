"""Shared pieces of the PyTorch baselines (bench/torch/mlp.py, bench/torch/cnn.py): which BLAS the
process mapped, peak RSS, the IDX reader, one Adam training step, shuffled batches, the throughput
measurement, PyTorch's best CPU settings, the round server of the paired benchmark and the BLAS
loss check. Imported by the scripts beside it (run them with /usr/bin/python3)."""
import ctypes
import gzip
import json
import sys
import os
import resource
import statistics
import struct
import time

import torch


def blas_libraries():
    """Paths of the BLAS/LAPACK libraries mapped into this process (after torch has used BLAS)."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if "blas" in name or "lapack" in name:
                found.add(os.path.realpath(path))
    return sorted(found)


def peak_rss_mb():
    """Peak resident set size of this process (VmHWM), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def environment_record():
    """The environment variables that decide which BLAS runs and how (for a result's record)."""
    return {k: os.environ.get(k) for k in ("LD_LIBRARY_PATH", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE")}


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024  # glibc's largest on 64-bit
TRIM_THRESHOLD_BYTES = 1024 * 1024 * 1024


def at_its_best():
    """PyTorch's CPU training at its best on this machine, measured on the MLP (batch 128, 2 threads,
    rounds of 200 steps, 2026-12-02), and what each setting is for:
    - torch.set_flush_denormal(True): without it, Adam's second moments underflow into subnormals
      after ~600 steps and every step slows down (~17k -> ~12k ex/s); trainkit's fused Adam flushes
      subnormals to zero too.
    - glibc's mmap threshold at 32 MiB and its trim threshold at 1 GiB (mallopt): a 128x512
      activation (256 KiB) is above glibc's initial 128 KiB mmap threshold, and the heap's top is
      given back to the system past 128 KiB free, so every step would map (or grow the heap into)
      fresh pages and fault them in (~12k ex/s; ~17k with both thresholds raised).
    Returns what was set, for the result's record (PLAIN_SETTINGS: what a run without them records)."""
    flushed = torch.set_flush_denormal(True)
    libc = ctypes.CDLL("libc.so.6")
    mmap_ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    trim_ok = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1
    return {"flushDenormal": bool(flushed), "mmapThresholdBytes": MMAP_THRESHOLD_BYTES if mmap_ok else None,
            "trimThresholdBytes": TRIM_THRESHOLD_BYTES if trim_ok else None}


PLAIN_SETTINGS = {"flushDenormal": False, "mmapThresholdBytes": None, "trimThresholdBytes": None}


def serve_rounds(model, opt, batches, warmup, settle, steps, describe):
    """The PyTorch side of bench/lib/paired.ts: `warmup` untimed steps, then prints `READY {json}`
    (what `describe()` returns then) and serves commands read from stdin, one per line: `round` runs `settle` untimed steps,
    then `steps` timed ones, and prints `ROUND {"examplesPerSecond", "loss", "peakRssMb"}`; `quit` (or
    the end of stdin) returns. Steps are timed to the last loss read back (the work is done)."""
    for _ in range(warmup):
        train_step(model, opt, *batches.next())
    print("READY " + json.dumps(describe()), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            return
        if command != "round":
            raise SystemExit(f"unknown command {command!r} (round or quit)")
        for _ in range(settle):
            train_step(model, opt, *batches.next())
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = train_step(model, opt, *batches.next())
        last = float(loss)
        seconds = time.perf_counter() - t0
        print("ROUND " + json.dumps({"examplesPerSecond": batches.batch * steps / seconds, "loss": last,
                                     "peakRssMb": peak_rss_mb()}), flush=True)


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if struct.unpack(">i", data[:4])[0] != magic:
        raise ValueError(f"{path}: not an IDX file with magic {magic}")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "i" * rank, data[4 : 4 + 4 * rank])
    return dims, data[4 + 4 * rank :]


def train_step(model, opt, x, y):
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


class Batches:
    """Shuffled batches, a new permutation each epoch (the last, smaller batch of an epoch is kept)."""

    def __init__(self, x, y, batch, seed, drop_remainder=False):
        self.x, self.y, self.batch, self.drop = x, y, batch, drop_remainder
        self.g = torch.Generator().manual_seed(seed)
        self.order, self.at, self.epoch = torch.randperm(x.shape[0], generator=self.g), 0, 0

    def next(self):
        n = self.x.shape[0]
        if self.at >= n or (self.drop and self.at + self.batch > n):
            self.order, self.at, self.epoch = torch.randperm(n, generator=self.g), 0, self.epoch + 1
        idx = self.order[self.at:self.at + self.batch]
        self.at += self.batch
        return self.x[idx], self.y[idx]


def measure_throughput(make_model, x, y, batch, warmup, intervals, steps, seed):
    """Training examples/s: the median of `intervals` timed runs of `steps` Adam (lr 1e-3) steps after
    `warmup` untimed ones, on shuffled batches (a new permutation whenever a full batch no longer fits)."""
    model = make_model(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = Batches(x, y, batch, seed + 1, drop_remainder=True)
    for _ in range(warmup):
        train_step(model, opt, *batches.next())
    rates, last = [], float("nan")
    for _ in range(intervals):
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = train_step(model, opt, *batches.next())
        last = float(loss)
        rates.append(batch * steps / (time.perf_counter() - t0))
    return {"examplesPerSecond": statistics.median(rates), "perInterval": sorted(rates), "batch": batch,
            "stepsPerInterval": steps, "warmupSteps": warmup, "lastLoss": last}


def check_losses(make_model, x, y, steps, batch, seed):
    """The first `steps` losses of a fixed, unshuffled Adam (lr 1e-3) run: compared across BLAS libraries."""
    model = make_model(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return [float(train_step(model, opt, x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]))
            for i in range(steps)]

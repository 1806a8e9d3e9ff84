#!/usr/bin/python3
"""PyTorch's side of the paired throughput benchmark (bench/lib/paired.ts): the MLP or the CNN of
bench/torch/mlp.py and bench/torch/cnn.py, Adam lr 1e-3, shuffled Fashion-MNIST batches (MLP 128,
CNN 64: bench/lib/models.ts's BATCH, which paired.ts passes as --batch), served in rounds that the
parent alternates with trainkit's (see common.serve_rounds):

    env -u OPENBLAS_CORETYPE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
        OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch/rounds.py --model mlp --batch 128 --threads 2

By default PyTorch runs at its best (common.at_its_best: denormals flushed, glibc's mmap and trim
thresholds raised); `--plain` leaves them as a user's script would have them.
"""
import argparse

import torch

from common import PLAIN_SETTINGS, Batches, at_its_best, blas_libraries, environment_record, serve_rounds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["mlp", "cnn"], required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup-steps", type=int, default=1000)
    p.add_argument("--settle", type=int, default=10, help="untimed steps at the start of each round")
    p.add_argument("--steps", type=int, default=150, help="timed steps per round")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--plain", action="store_true", help="leave denormals and malloc as they are")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    settings = PLAIN_SETTINGS if args.plain else at_its_best()
    if args.model == "mlp":
        from mlp import FASHION_MNIST, load_train, mlp as build
        x, y, _ = load_train(FASHION_MNIST)
    else:
        from cnn import FASHION_MNIST, cnn as build, load
        x, y = load(FASHION_MNIST, "train")
    model = build(args.seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = Batches(x, y, args.batch, args.seed + 1, drop_remainder=True)
    info = lambda: {"torch": torch.__version__, "threads": torch.get_num_threads(), "settings": settings,
            "batch": args.batch, "warmupSteps": args.warmup_steps, "settle": args.settle, "steps": args.steps,
            "env": environment_record(),
            "blas": blas_libraries()}  # called after the warm-up: the BLAS is mapped by then
    serve_rounds(model, opt, batches, args.warmup_steps, args.settle, args.steps, info)


if __name__ == "__main__":
    main()

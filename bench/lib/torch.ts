/**
 * Running the PyTorch baselines (bench/torch/*.py) the way the project's rules ask: Debian's
 * /usr/bin/python3 on OpenBLAS (pthreads), passive OpenMP waits, OPENBLAS_CORETYPE removed for that
 * command only; and the check that the timed numerics are the right ones — the first training
 * losses on OpenBLAS must match a run on Debian's reference BLAS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { environment, runJson } from './spawn.js';

export const PYTHON = '/usr/bin/python3';
/** Debian's OpenBLAS (pthreads) build: the BLAS the timed PyTorch runs load. */
export const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
/** Debian's reference BLAS (libblas3): the numerics the OpenBLAS losses are checked against. */
export const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';
/** Relative tolerance on the first PyTorch losses, OpenBLAS vs reference BLAS. */
export const LOSS_TOLERANCE = 5e-4;
/** How many first losses the check compares. */
export const CHECK_STEPS = 3;

/** The timed environment: OpenBLAS (pthreads), passive OpenMP waits, no OPENBLAS_CORETYPE. */
export const openblasEnv = (): NodeJS.ProcessEnv =>
  environment({ LD_LIBRARY_PATH: OPENBLAS_DIR, OMP_WAIT_POLICY: 'PASSIVE' }, ['OPENBLAS_CORETYPE']);

/** Runs a PyTorch script on OpenBLAS from the repository root and parses its JSON output. */
export function runTorch<T>(root: string, args: string[], env: NodeJS.ProcessEnv = openblasEnv()): T {
  return runJson<T>(PYTHON, args, { cwd: root, env, marked: false }).result;
}

/**
 * Runs `args` (a script in its loss-check mode, printing `{ losses, blas }`) on OpenBLAS and on the
 * reference BLAS (Debian libblas3; the system default when it is absent, said in `note`) and
 * compares the losses.
 */
export function blasLossCheck(root: string, args: string[]) {
  type Losses = { losses?: number[]; blas: string[] };
  const haveReference = existsSync(join(REFERENCE_BLAS_DIR, 'libblas.so.3'));
  const referenceEnv = haveReference
    ? environment({ LD_LIBRARY_PATH: REFERENCE_BLAS_DIR }, ['OPENBLAS_CORETYPE'])
    : environment({}, ['LD_LIBRARY_PATH', 'OPENBLAS_CORETYPE']);
  const a = runTorch<Losses>(root, args);
  const b = runTorch<Losses>(root, args, referenceEnv);
  const maxRelDiff = Math.max(...a.losses!.map((x, i) => Math.abs(x - b.losses![i]) / Math.abs(b.losses![i])));
  return {
    steps: CHECK_STEPS,
    tolerance: LOSS_TOLERANCE,
    openblas: { losses: a.losses, blas: a.blas },
    reference: {
      losses: b.losses,
      blas: b.blas,
      note: haveReference
        ? `reference BLAS from ${REFERENCE_BLAS_DIR} (Debian libblas3)`
        : `reference BLAS (Debian libblas3) not installed: compared with the system default BLAS instead`,
    },
    maxRelDiff,
    pass: maxRelDiff <= LOSS_TOLERANCE,
  };
}

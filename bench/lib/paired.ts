/**
 * Paired throughput rounds: trainkit and PyTorch trained side by side in one benchmark run, each in
 * its own long-lived process, their timed rounds alternating so that the machine's drift (this
 * 2-vCPU VM's speed moves 15–25% within minutes) falls on both alike.
 *
 * Runners: trainkit `fit` (bench/lib/train_rounds.ts), PyTorch at its best (bench/torch/rounds.py:
 * OpenBLAS with 2 threads, denormals flushed, glibc's malloc thresholds raised) and PyTorch plain
 * (the same without those two settings, as a user's script runs). Each process first trains
 * `warmupSteps` untimed steps (the same number for all: trainkit's MLP speeds up over its first
 * ~1500 steps while V8 compiles trainkit's and tfjs's hot paths — rounds measured 15–18k ex/s after
 * 1000 steps, 19–20.5k after 1700 — and PyTorch plain's Adam slows down once its moments go
 * subnormal, after ~600), started one at a time so that warm-ups do not overlap; then `rounds` rounds, each
 * runner in turn (the order rotates every round), each round `settle` untimed steps then `steps`
 * timed ones. Only one process computes at a time; the others wait on their stdin.
 *
 * Result per runner: the examples/s of every round and their median; per PyTorch runner: the ratio
 * trainkit / it in each round (adjacent in time) and the median of those ratios.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BATCH, type ModelName } from './models.js';
import { openblasEnv, PYTHON } from './torch.js';
import { median } from './stats.js';

export const PAIRED_RUNNERS = ['trainkit', 'pytorch', 'pytorch-plain'] as const;
export type PairedRunner = (typeof PAIRED_RUNNERS)[number];

export interface PairedPlan {
  warmupSteps: number;
  settle: number;
  steps: number;
  rounds: number;
}

export const PAIRED_PLANS: Record<ModelName, { full: PairedPlan; quick: PairedPlan }> = {
  mlp: { full: { warmupSteps: 2000, settle: 10, steps: 150, rounds: 12 }, quick: { warmupSteps: 5, settle: 1, steps: 3, rounds: 2 } },
  cnn: { full: { warmupSteps: 150, settle: 3, steps: 30, rounds: 10 }, quick: { warmupSteps: 2, settle: 1, steps: 2, rounds: 2 } },
};

export interface PairedResult {
  model: ModelName;
  plan: PairedPlan;
  /** What each process printed when ready (backend, BLAS, settings). */
  ready: Record<PairedRunner, unknown>;
  /** Examples/s per round, in round order. */
  perRound: Record<PairedRunner, number[]>;
  examplesPerSecond: Record<PairedRunner, number>;
  /** Each process's peak RSS at its last round (same model, the whole training set loaded), MiB. */
  peakRssMb: Record<PairedRunner, number>;
  /** trainkit / PyTorch in each round, and their median. */
  ratio: Record<Exclude<PairedRunner, 'trainkit'>, { perRound: number[]; median: number; min: number; max: number }>;
  order: PairedRunner[][];
}

/** A runner process and a reader of its marked stdout lines. */
class RoundServer {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(
    readonly runner: PairedRunner,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** The JSON of the next stdout line marked `mark` (other lines are skipped). */
  async next(mark: 'READY' | 'ROUND'): Promise<Record<string, unknown>> {
    for (;;) {
      const { value, done } = await this.lines.next();
      if (done) throw new Error(`${this.runner} ended before ${mark} (exit ${this.child.exitCode}):\n${this.stderr}`);
      const line = String(value);
      if (line.startsWith(`${mark} `)) return JSON.parse(line.slice(mark.length + 1)) as Record<string, unknown>;
    }
  }

  /** One round: its examples/s and the process's peak RSS (MiB) so far. */
  async round(): Promise<{ examplesPerSecond: number; peakRssMb: number }> {
    this.child.stdin.write('round\n');
    const r = await this.next('ROUND');
    return { examplesPerSecond: Number(r.examplesPerSecond), peakRssMb: Number(r.peakRssMb) };
  }

  async quit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end('quit\n');
    await exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function start(runner: PairedRunner, model: ModelName, plan: PairedPlan, root: string): RoundServer {
  const steps = ['--warmup-steps', String(plan.warmupSteps), '--settle', String(plan.settle), '--steps', String(plan.steps)];
  const child =
    runner === 'trainkit'
      ? spawn(process.execPath, ['--import', 'tsx', 'bench/lib/train_rounds.ts', model, ...steps], { cwd: root })
      : spawn(PYTHON, ['rounds.py', '--model', model, '--batch', String(BATCH[model]), '--threads', '2', ...steps, ...(runner === 'pytorch-plain' ? ['--plain'] : [])], {
          cwd: `${root}/bench/torch`,
          env: openblasEnv(),
        });
  return new RoundServer(runner, child);
}

/** Runs the paired rounds of one model (see the module comment). `log` gets progress lines. */
export async function pairedRounds(model: ModelName, plan: PairedPlan, root: string, log: (line: string) => void): Promise<PairedResult> {
  const runners = PAIRED_RUNNERS;
  const servers: RoundServer[] = [];
  try {
    const ready = {} as Record<PairedRunner, unknown>;
    for (const runner of runners) {
      log(`${model} ${runner}: ${plan.warmupSteps} warm-up steps ...`);
      const server = start(runner, model, plan, root);
      servers.push(server);
      ready[runner] = await server.next('READY');
    }
    const perRound = Object.fromEntries(runners.map((x) => [x, [] as number[]])) as Record<PairedRunner, number[]>;
    const order: PairedRunner[][] = [];
    const peakRssMb = {} as Record<PairedRunner, number>;
    for (let r = 0; r < plan.rounds; r++) {
      const turn = runners.map((_, i) => servers[(i + r) % servers.length]);
      order.push(turn.map((s) => s.runner));
      for (const server of turn) {
        const result = await server.round();
        perRound[server.runner].push(result.examplesPerSecond);
        peakRssMb[server.runner] = result.peakRssMb;
      }
      log(`${model} round ${r + 1}/${plan.rounds}: ${runners.map((x) => `${x} ${Math.round(perRound[x][r])}`).join(', ')} ex/s`);
    }
    await Promise.all(servers.map((s) => s.quit()));
    const ratioTo = (base: PairedRunner) => {
      const each = perRound.trainkit.map((x, i) => x / perRound[base][i]);
      return { perRound: each, median: median(each), min: Math.min(...each), max: Math.max(...each) };
    };
    return {
      model,
      plan,
      ready,
      perRound,
      examplesPerSecond: Object.fromEntries(runners.map((x) => [x, median(perRound[x])])) as Record<PairedRunner, number>,
      peakRssMb,
      ratio: { pytorch: ratioTo('pytorch'), 'pytorch-plain': ratioTo('pytorch-plain') },
      order,
    };
  } finally {
    for (const s of servers) s.kill();
  }
}

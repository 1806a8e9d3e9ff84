/**
 * The progress logger `fit` adds unless `verbose: 'silent'`: a one-line progress bar (epoch, steps,
 * examples/s, ETA, loss, lr) redrawn in place when the output is a terminal, one JSON object per
 * line otherwise (per logging step, per validation, per epoch, at the end). The writer, the clock
 * and the TTY flag are injectable so tests control them.
 */
import type { Callback, Logs, StepLogs, TrainContext } from './callbacks.js';

export interface ProgressOptions {
  /** 'auto' (bar when `isTTY`, else JSON lines), 'bar' or 'json'. Default 'auto'. */
  mode?: 'auto' | 'bar' | 'json';
  /** Where text goes. Default: process.stdout.write. */
  write?: (text: string) => void;
  /** Milliseconds, monotonic. Default: performance.now. */
  now?: () => number;
  /** Whether the output is a terminal. Default: process.stdout.isTTY. */
  isTTY?: boolean;
  /** Width of the bar in characters. Default 24. */
  barWidth?: number;
  /** Least milliseconds between two redraws of the bar. Default 100. */
  redrawMs?: number;
}

/** Formats seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const num = (x: number | undefined, digits = 4): string =>
  x === undefined ? '-' : Math.abs(x) !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(2) : x.toFixed(digits);

function logsText(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(' · ');
}

/**
 * A callback printing progress. JSON lines look like
 * `{"event":"step","step":100,"epoch":0,"batch":99,"loss":0.61,"lr":0.001,"gradNorm":1.2,"examplesPerSecond":5012.3,"updateRatio":{...}}`,
 * `{"event":"validation","step":469,"val_loss":0.5,...}`, `{"event":"epoch","epoch":0,"step":469,"seconds":9.4,"loss":...}`
 * and `{"event":"end","step":...,"stopped":false}`.
 *
 * @example
 * await fit(model, data, { optimizer, verbose: 'silent', callbacks: [progressLogger({ mode: 'json', write: (s) => lines.push(s) })] });
 */
export function progressLogger(options: ProgressOptions = {}): Callback {
  const o = {
    mode: 'auto' as const,
    write: (text: string) => void process.stdout.write(text),
    now: () => performance.now(),
    isTTY: process.stdout.isTTY === true,
    barWidth: 24,
    redrawMs: 100,
    ...options,
  };
  const json = o.mode === 'json' || (o.mode === 'auto' && !o.isTTY);
  let epochStart = 0;
  let epochStartStep = 0;
  let lastLogTime = 0;
  let lastLogExamples = 0;
  let examples = 0;
  let lastDraw = -Infinity;
  let rate: number | undefined;
  let loss: number | undefined;
  let lr: number | undefined;
  let drawn = false;
  const line = (obj: Record<string, unknown>): void => o.write(`${JSON.stringify(obj)}\n`);

  const draw = (step: number, ctx: TrainContext, epoch: number): void => {
    const done = ctx.position().batch;
    const total = ctx.stepsPerEpoch;
    const elapsed = (o.now() - epochStart) / 1000;
    const perStep = step > epochStartStep ? elapsed / (step - epochStartStep) : NaN;
    // A stream of unknown length: the batch count, no bar and no ETA.
    const where =
      total === undefined
        ? [`epoch ${epoch + 1}/${ctx.epochs} batch ${done}`]
        : [`epoch ${epoch + 1}/${ctx.epochs} [${bar(done, total)}] ${done}/${total}`];
    const parts = [
      ...where,
      `${rate === undefined ? '-' : Math.round(rate).toLocaleString('en-US')} ex/s`,
      ...(total === undefined ? [] : [`ETA ${formatDuration(perStep * (total * ctx.epochs - step))}`]),
      `loss ${num(loss)}`,
      ...(lr === undefined ? [] : [`lr ${lr.toExponential(2)}`]),
    ];
    o.write(`\r\x1b[2K${parts.join(' · ')}`);
    drawn = true;
  };
  const bar = (done: number, total: number): string => {
    const filled = Math.min(o.barWidth, Math.round((done / total) * o.barWidth));
    return '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done >= total ? '=' : '>') : '') + ' '.repeat(o.barWidth - filled);
  };
  const endLine = (text: string): void => {
    o.write(drawn ? `\r\x1b[2K${text}\n` : `${text}\n`);
    drawn = false;
  };

  return {
    onTrainBegin(ctx) {
      lastLogTime = o.now();
      epochStartStep = ctx.position().step;
    },
    onEpochBegin(_epoch, ctx) {
      epochStart = o.now();
      epochStartStep = ctx.position().step;
    },
    onBatchEnd(step, logs: StepLogs, ctx) {
      examples += logs.size;
      if (logs.logged) {
        const t = o.now();
        const dt = (t - lastLogTime) / 1000;
        rate = dt > 0 ? (examples - lastLogExamples) / dt : undefined;
        lastLogTime = t;
        lastLogExamples = examples;
        loss = logs.loss;
        lr = logs.lr;
        if (json) {
          line({
            event: 'step',
            step,
            epoch: logs.epoch,
            batch: logs.batch,
            loss: logs.loss,
            ...(logs.lr === undefined ? {} : { lr: logs.lr }),
            gradNorm: logs.gradNorm,
            ...(rate === undefined ? {} : { examplesPerSecond: rate }),
            updateRatio: logs.updateRatio,
          });
        }
      }
      if (!json) {
        const t = o.now();
        if (logs.logged || t - lastDraw >= o.redrawMs) {
          lastDraw = t;
          draw(step, ctx, logs.epoch);
        }
      }
    },
    onValidationEnd(step, logs) {
      if (json) line({ event: 'validation', step, ...logs });
    },
    onEpochEnd(epoch, logs, ctx) {
      const seconds = (o.now() - epochStart) / 1000;
      if (json) line({ event: 'epoch', epoch, step: ctx.position().step, seconds, ...logs });
      else endLine(`epoch ${epoch + 1}/${ctx.epochs} · ${formatDuration(seconds)} · ${logsText(logs)}`);
    },
    onTrainEnd(_logs, ctx) {
      if (json) line({ event: 'end', step: ctx.position().step, stopped: ctx.stopRequested, ...(ctx.stopReason === undefined ? {} : { reason: ctx.stopReason }) });
      else if (drawn || ctx.stopRequested) endLine(ctx.stopRequested ? `stopped at step ${ctx.position().step}${ctx.stopReason ? `: ${ctx.stopReason}` : ''}` : '');
    },
  };
}

/**
 * Self-contained HTML reports (inline SVG and CSS, no scripts, no network: they open offline):
 * the learning curves of a training run — the course's "look at learning curves" — and the plot
 * of a learning-rate range test.
 */
import { linePlot, type Series } from './svg.js';

/** One logging step: the raw minibatch loss and the learning rate, when logged. */
export interface ReportStep {
  step: number;
  loss?: number;
  lr?: number;
}

/** One epoch's numbers ('loss', 'accuracy', 'val_loss', 'val_accuracy', ...), at the step it ended. */
export interface ReportEpoch {
  epoch: number;
  step: number;
  logs: Record<string, number>;
}

export interface TrainingReportInput {
  title: string;
  /** Shown as a small table at the top (seed, backend, optimizer, ...). */
  meta?: Record<string, string | number | boolean>;
  steps: ReportStep[];
  epochs: ReportEpoch[];
  /** Final evaluations by name, e.g. { final: { loss, accuracy }, ema: {...} }. */
  results?: Record<string, Record<string, number>>;
  /** Free-form notes (recipe verdicts, the stop reason), one paragraph each. */
  notes?: string[];
  /** β of the moving average drawn over the raw loss (one value per logging step). Default 0.8. */
  smoothing?: number;
}

export interface LrFindReportInput {
  title: string;
  points: Array<{ lr: number; loss: number; smoothed: number }>;
  suggested: number;
  minimumLr?: number;
  verdict?: string;
  meta?: Record<string, string | number | boolean>;
}

/**
 * Bias-corrected exponential moving average: m_i = a_i / (1 − βⁱ⁺¹), a_i = β·a_{i−1} + (1 − β)·v_i
 * (Adam's correction, so the first values are not pulled towards 0). Non-finite values are skipped
 * (their entry is NaN) and do not enter the average.
 *
 * @example
 * movingAverage([1, 1, 1], 0.9); // [1, 1, 1]
 */
export function movingAverage(values: readonly number[], beta: number): number[] {
  let a = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return Number.NaN;
    a = beta * a + (1 - beta) * v;
    n += 1;
    return a / (1 - beta ** n);
  });
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => (!Number.isFinite(v) ? String(v) : Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(3) : (+v.toPrecision(5)).toString());

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1500px}h1{font-size:20px}h2{font-size:16px;margin-top:28px}',
    'table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}',
    'td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}.note{margin:4px 0}</style>',
    '</head><body>',
    `<h1>${esc(title)}</h1>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

function metaTable(meta: Record<string, string | number | boolean> | undefined): string {
  if (meta === undefined || Object.keys(meta).length === 0) return '';
  const rows = Object.entries(meta).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'number' ? num(v) : String(v))}</td></tr>`);
  return `<table class="meta">${rows.join('')}</table>`;
}

function table(header: string[], rows: Array<Array<string | number | undefined>>): string {
  const cell = (v: string | number | undefined): string => (v === undefined ? '' : typeof v === 'number' ? num(v) : esc(v));
  return `<table><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/**
 * The learning-curve page of a run: the raw training loss of each logging step as a faint
 * scatter with its moving average (and the validation loss at each epoch's end step); train vs
 * validation loss and accuracy per epoch; the learning rate per step; a table of the epochs and of
 * the final results.
 *
 * @example
 * writeFileSync('out/report.html', trainingReport({ title: 'mlp', steps: history.steps, epochs: history.epochs }));
 */
export function trainingReport(input: TrainingReportInput): string {
  const beta = input.smoothing ?? 0.8;
  const logged = input.steps.filter((s) => s.loss !== undefined);
  const raw = logged.map((s): [number, number] => [s.step, s.loss as number]);
  const avg = movingAverage(raw.map(([, l]) => l), beta);
  const perEpoch = (key: string): Array<[number, number]> =>
    input.epochs.filter((e) => e.logs[key] !== undefined).map((e): [number, number] => [e.epoch + 1, e.logs[key]]);
  const atStep = (key: string): Array<[number, number]> =>
    input.epochs.filter((e) => e.logs[key] !== undefined).map((e): [number, number] => [e.step, e.logs[key]]);
  const charts: string[] = [];
  const lossSeries: Series[] = [
    { name: 'loss (raw, per log step)', style: 'scatter', opacity: 0.25, points: raw, color: '#1f77b4' },
    { name: `moving average (β ${beta})`, points: raw.map(([s], i): [number, number] => [s, avg[i]]), color: '#1f77b4' },
  ];
  const valAtStep = atStep('val_loss');
  if (valAtStep.length) lossSeries.push({ name: 'validation loss', points: valAtStep, color: '#d62728' });
  charts.push(linePlot(lossSeries, { title: 'training loss per step', xLabel: 'step', yLabel: 'loss' }));
  const epochLoss: Series[] = [
    { name: 'train loss', points: perEpoch('loss') },
    { name: 'validation loss', points: perEpoch('val_loss') },
  ].filter((s) => s.points.length > 0);
  if (epochLoss.length) charts.push(linePlot(epochLoss, { title: 'loss per epoch: train vs validation', xLabel: 'epoch', yLabel: 'loss' }));
  const epochAcc: Series[] = [
    { name: 'train accuracy', points: perEpoch('accuracy') },
    { name: 'validation accuracy', points: perEpoch('val_accuracy') },
  ].filter((s) => s.points.length > 0);
  if (epochAcc.length) charts.push(linePlot(epochAcc, { title: 'accuracy per epoch: train vs validation', xLabel: 'epoch', yLabel: 'accuracy' }));
  const lr = input.steps.filter((s) => s.lr !== undefined).map((s): [number, number] => [s.step, s.lr as number]);
  if (lr.length) charts.push(linePlot([{ name: 'learning rate', points: lr, color: '#2ca02c' }], { title: 'learning rate', xLabel: 'step', yLabel: 'lr' }));
  const keys = [...new Set(input.epochs.flatMap((e) => Object.keys(e.logs)))];
  const body = [metaTable(input.meta)];
  if (input.notes?.length) body.push(...input.notes.map((n) => `<p class="note">${esc(n)}</p>`));
  if (input.results && Object.keys(input.results).length) {
    const rk = [...new Set(Object.values(input.results).flatMap((r) => Object.keys(r)))];
    body.push('<h2>Results</h2>', table(['weights', ...rk], Object.entries(input.results).map(([name, r]) => [name, ...rk.map((k) => r[k])])));
  }
  body.push('<h2>Learning curves</h2>', `<div class="charts">${charts.join('\n')}</div>`);
  if (input.epochs.length) body.push('<h2>Epochs</h2>', table(['epoch', 'step', ...keys], input.epochs.map((e) => [e.epoch + 1, e.step, ...keys.map((k) => e.logs[k])])));
  return page(input.title, body);
}

/**
 * The page of a learning-rate range test: the raw loss (faint) and its smoothed curve against the
 * learning rate on a log axis, the suggested rate marked.
 *
 * @example
 * writeFileSync('out/lr-find.html', lrFindReport({ title: 'lr find', ...result }));
 */
export function lrFindReport(input: LrFindReportInput): string {
  const raw = input.points.map((p): [number, number] => [p.lr, p.loss]);
  const smooth = input.points.map((p): [number, number] => [p.lr, p.smoothed]);
  // Clip the y range to the interesting part: the raw loss of the diverging tail can be huge.
  const best = Math.min(...input.points.map((p) => p.smoothed).filter(Number.isFinite));
  const first = input.points.find((p) => Number.isFinite(p.smoothed))?.smoothed ?? best;
  const cap = Math.max(first, best) * 1.5 + 1e-12;
  const clip = (pts: Array<[number, number]>): Array<[number, number]> => pts.map(([x, y]): [number, number] => [x, y > cap ? Number.NaN : y]);
  const markers = [{ x: input.suggested, label: `suggested ${input.suggested.toExponential(1)}`, color: '#d62728' }];
  if (input.minimumLr !== undefined) markers.push({ x: input.minimumLr, label: `minimum ${input.minimumLr.toExponential(1)}`, color: '#777' });
  const svg = linePlot(
    [
      { name: 'loss (raw)', style: 'scatter', opacity: 0.3, points: clip(raw), color: '#1f77b4' },
      { name: 'smoothed loss', points: clip(smooth), color: '#1f77b4' },
    ],
    { title: 'learning-rate range test', xLabel: 'learning rate (log scale)', yLabel: 'loss', logX: true, markers, width: 860, height: 480 },
  );
  const body = [metaTable(input.meta)];
  if (input.verdict) body.push(`<p class="note">${esc(input.verdict)}</p>`);
  body.push(svg);
  return page(input.title, body);
}

/**
 * A trial's detail: its diagnosis in words first (the server's findings, ../api.ts Finding), then its
 * curves — train vs validation loss and accuracy with the gap shaded, the learning rate as it ran,
 * the update/parameter ratio on a log axis with the healthy band around 1e-3, the loss by step and
 * the reported value — and its parameters, last epoch's logs and user attributes.
 *
 * Zoom: dragging across a step chart zooms every step chart to that range and fetches those steps
 * at full resolution (`?from=&to=`); a double-click goes back to the whole run. While the trial runs,
 * the study's event stream says when it changed and the detail is fetched again (at most once a
 * second), keeping the zoom.
 */
import type { Curves, Finding, Points, StudyListItem, TrialDetail } from '../api.js';
import { EPOCH_ATTR_PREFIX } from '../../report/curves.js';
import { chart, type Chart, type ChartSpec } from './chart.js';
import { api, ApiRequestError } from './client.js';
import { h, replace } from './dom.js';
import { elapsed, formatAccuracy, formatDuration, formatNumber, formatParam, formatTime } from './format.js';
import { notice, setCrumbs, setLive } from './layout.js';
import { connectStudy } from './live.js';
import { CENTER_DEFAULTS, hashOf } from './route.js';
import { ACCENT, STATE_COLOR, TRAIN_COLOR, VAL_COLOR } from './theme.js';

/** The healthy update/parameter ratio: about 1e-3, within half a decade. */
const RATIO_BAND = { lo: 3e-4, hi: 3e-3, line: 1e-3 };
const REFRESH_MS = 1000;
const LEVEL_TEXT: Record<Finding['level'], string> = { problem: 'Problem', hint: 'Hint', ok: 'Fine' };
const LEVEL_ICON: Record<Finding['level'], string> = { problem: '!', hint: '?', ok: '✓' };

/** The curves that run by optimizer step (zoomed and fetched together). */
const STEP_CURVES = ['intermediate', 'step:loss', 'step:lr', 'step:updateRatio'];

export function trialDetail(root: HTMLElement, study: StudyListItem, number: number): () => void {
  setCrumbs([study.name, hashOf({ view: 'center', study: study.name, options: CENTER_DEFAULTS })], [`Trial ${number}`]);
  replace(root, notice('loading', `Loading trial ${number}…`));
  const controller = new AbortController();
  let charts: Array<{ chart: Chart; names: string[] }> = [];
  let zoom: { from: number; to: number } | undefined;
  let built = false;
  let disconnect = (): void => undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;

  const pointsFor = (): number => Math.max(200, Math.round(root.clientWidth / 2));

  async function load(): Promise<TrialDetail | undefined> {
    try {
      return await api.trial(study.name, number, { ...zoom, points: pointsFor() }, controller.signal);
    } catch (e) {
      if (controller.signal.aborted) return undefined;
      const text = e instanceof ApiRequestError && e.status === 404 ? `Study “${study.name}” has no trial ${number}.` : `Could not load trial ${number}: ${(e as Error).message}`;
      replace(root, notice('error', text, h('p', {}, h('a', { href: hashOf({ view: 'center', study: study.name, options: CENTER_DEFAULTS }) }, 'Back to the command center'))));
      return undefined;
    }
  }

  async function refresh(): Promise<void> {
    lastRefresh = Date.now();
    const t = await load();
    if (t === undefined) return;
    if (!built) {
      build(t);
      return;
    }
    // Zoomed: only the step curves of the range; otherwise everything, and the header and lists too.
    for (const { chart: c, names } of charts) if (zoom === undefined || names.every((n) => STEP_CURVES.includes(n))) c.setCurves(names.map((n) => t.curves[n] ?? []), zoom !== undefined);
    if (zoom === undefined) {
      replace(head, ...headContent(t));
      replace(findings, ...findingsContent(t));
      replace(side, ...sideContent(t));
    }
  }

  const head = h('div', { class: 'detail-head' });
  const findings = h('section', { class: 'findings', 'data-testid': 'diagnosis', 'aria-label': 'Diagnosis' });
  const side = h('aside', { class: 'detail-side' });
  const chartsBox = h('div', { class: 'detail-charts' });

  function build(t: TrialDetail): void {
    built = true;
    replace(head, ...headContent(t));
    replace(findings, ...findingsContent(t));
    replace(side, ...sideContent(t));
    replace(root, head, findings, h('div', { class: 'detail-body' }, chartsBox, side));
    const width = chartsBox.clientWidth || 640;
    const colWidth = width > 900 ? Math.floor((width - 16) / 2) : width;
    for (const { spec, names } of chartSpecs(t.curves)) {
      const step = names.every((n) => STEP_CURVES.includes(n));
      const c = chart({ ...spec, onZoom: step ? (range) => onZoom(range) : undefined }, colWidth);
      chartsBox.append(c.el);
      charts.push({ chart: c, names });
    }
    for (const { chart: c } of charts) c.resize();
    if (charts.length === 0) chartsBox.append(notice('empty', 'This trial has recorded no curves yet.'));
  }

  function onZoom(range: { from: number; to: number } | undefined): void {
    zoom = range;
    void (async () => {
      const t = await load();
      if (t === undefined) return;
      for (const { chart: c, names } of charts)
        if (names.every((n) => STEP_CURVES.includes(n))) c.setCurves(names.map((n) => t.curves[n] ?? []), zoom !== undefined);
    })();
  }

  void refresh();
  // Follow the study's events (a snapshot of two points per trial, the fewest the server sends: only "trial N changed" matters here).
  disconnect = connectStudy(
    api.eventsUrl(study.name, 2),
    (event) => {
      if (event.type !== 'update' || !event.trials.some((u) => u.number === number)) return;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void refresh(), Math.max(0, lastRefresh + REFRESH_MS - Date.now()));
    },
    setLive,
  );
  const onResize = (): void => {
    for (const { chart: c } of charts) c.resize();
  };
  window.addEventListener('resize', onResize);

  return () => {
    controller.abort();
    disconnect();
    clearTimeout(refreshTimer);
    window.removeEventListener('resize', onResize);
    for (const { chart: c } of charts) c.destroy();
    charts = [];
    setLive('off');
  };
}

function headContent(t: TrialDetail): Node[] {
  const facts: string[] = [];
  if (t.worker !== undefined) facts.push(`worker ${t.worker}`);
  if (t.started !== undefined) facts.push(`started ${formatTime(t.started)}`);
  const ran = elapsed(t, Date.now());
  if (ran !== undefined) facts.push(`${t.finished === undefined ? 'running for' : 'ran'} ${formatDuration(ran)}`);
  if (t.retryOf !== undefined) facts.push(`retry of trial ${t.retryOf}`);
  facts.push(`${t.intermediateCount} reported values`);
  return [
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, `Trial ${t.number}`),
      h('span', { class: 'badge big', 'data-state': t.state, 'data-testid': 'state' }, t.state),
      h('span', { class: 'headline-value' }, h('span', { class: 'k' }, t.value !== undefined ? 'value' : 'last value'), ' ', formatNumber(t.value ?? t.intermediate.at(-1)?.[1])),
      t.lastLogs?.val_accuracy !== undefined ? h('span', { class: 'headline-value' }, h('span', { class: 'k' }, 'val accuracy'), ' ', formatAccuracy(t.lastLogs.val_accuracy)) : null,
    ),
    h('p', { class: 'facts' }, facts.join(' · ')),
  ];
}

function findingsContent(t: TrialDetail): Node[] {
  const title = h('h2', {}, 'Diagnosis');
  if (t.diagnosis.length === 0) {
    const hasCurves = Object.keys(t.curves).some((k) => k !== 'intermediate');
    return [title, h('p', { class: 'muted', 'data-testid': 'no-findings' }, hasCurves ? 'Nothing to report: the curves recorded so far show none of the patterns the diagnosis looks for.' : 'Nothing to diagnose yet: the trial has recorded no epoch curves (loss, accuracy, learning rate).')];
  }
  const order: Record<Finding['level'], number> = { problem: 0, hint: 1, ok: 2 };
  const sorted = [...t.diagnosis].sort((a, b) => order[a.level] - order[b.level]);
  return [
    title,
    h(
      'ul',
      {},
      ...sorted.map((f) =>
        h(
          'li',
          { class: `finding ${f.level}`, 'data-testid': 'finding', 'data-rule': f.rule, 'data-level': f.level },
          h('span', { class: 'icon', 'aria-hidden': 'true' }, LEVEL_ICON[f.level]),
          h(
            'div',
            {},
            h('p', { class: 'message' }, h('span', { class: 'level' }, `${LEVEL_TEXT[f.level]}: `), f.message),
            h('p', { class: 'evidence' }, [f.rule, ...Object.entries(f.evidence).map(([k, v]) => `${k} = ${formatNumber(v)}`)].join(' · ')),
          ),
        ),
      ),
    ),
  ];
}

function sideContent(t: TrialDetail): Node[] {
  const rows = (entries: Array<[string, string]>): HTMLElement =>
    h('table', { class: 'kv' }, h('tbody', {}, ...entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
  const params = Object.entries(t.params).map(([k, v]): [string, string] => {
    const d = t.distributions[k];
    const range = d === undefined ? '' : d.type === 'categorical' ? '' : ` (${formatNumber(d.low)} … ${formatNumber(d.high)}${d.log ? ', log' : ''})`;
    return [k, `${formatParam(v, d)}${range}`];
  });
  const logs = Object.entries(t.lastLogs ?? {}).map(([k, v]): [string, string] => [k, k.includes('acc') ? formatAccuracy(v) : formatNumber(v)]);
  const attrs = Object.entries(t.userAttrs)
    .filter(([k]) => !k.startsWith(EPOCH_ATTR_PREFIX))
    .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)]);
  return [
    h('section', { 'data-testid': 'params' }, h('h2', {}, 'Parameters'), params.length > 0 ? rows(params) : h('p', { class: 'muted' }, 'No parameters.')),
    logs.length > 0 ? h('section', {}, h('h2', {}, 'Last epoch'), rows(logs)) : null,
    attrs.length > 0 ? h('section', {}, h('h2', {}, 'Attributes'), rows(attrs)) : null,
  ].filter((n): n is HTMLElement => n !== null);
}

/** Positive values spanning more than this factor are drawn on a log axis (a loss on its way to diverging). */
const LOG_SPAN = 1e3;

/** Whether curves of positive values span more than LOG_SPAN. */
export function wantsLog(points: Points[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of points)
    for (const [, v] of c) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (v <= 0) return false;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return hi / lo > LOG_SPAN;
}

/** A sentence naming the first step where a curve is not finite (JSON brings NaN and ±Infinity as null), or ''. */
export function notFiniteNote(points: Points[], unit: string): string {
  let first = Infinity;
  for (const c of points) for (const [x, v] of c) if ((typeof v !== 'number' || !Number.isFinite(v)) && x < first) first = x;
  return first === Infinity ? '' : ` Not a finite number from ${unit} ${formatNumber(first)} on (not drawn).`;
}

/** The charts of the curves a trial has, each with the curve names it draws. */
export function chartSpecs(curves: Curves): Array<{ spec: ChartSpec; names: string[] }> {
  const out: Array<{ spec: ChartSpec; names: string[] }> = [];
  const has = (n: string): boolean => (curves[n]?.length ?? 0) > 0;
  const pair = (name: string, title: string, caption: string): void => {
    const names = [name, `val_${name}`].filter(has);
    if (names.length === 0) return;
    const points = names.map((n) => curves[n]);
    const log = wantsLog(points);
    out.push({
      names,
      spec: {
        title: log ? `${title} (log)` : title,
        caption: (names.length === 2 ? caption : `Validation was not recorded.`) + notFiniteNote(points, 'epoch'),
        xLabel: 'epoch',
        integerX: true,
        yLog: log,
        curves: names.map((n) => ({ label: n.startsWith('val_') ? 'validation' : 'train', points: curves[n], color: n.startsWith('val_') ? VAL_COLOR : TRAIN_COLOR, width: 2 })),
        gap: names.length === 2 ? [0, 1] : undefined,
        testid: `chart-${name}`,
      },
    });
  };
  pair('loss', 'Loss: train vs validation', 'Shaded: the gap between them. A gap that widens while train keeps falling is overfitting.');
  pair('accuracy', 'Accuracy: train vs validation', 'Shaded: the gap. No gap and low accuracy is underfitting.');
  // Any other epoch metric, paired with its validation curve.
  for (const name of Object.keys(curves).sort()) {
    if (name.includes(':') || name === 'intermediate' || name.startsWith('val_') || name === 'loss' || name === 'accuracy') continue;
    pair(name, `${name}: train vs validation`, 'Shaded: the gap between them.');
  }
  for (const name of Object.keys(curves).sort())
    if (name.startsWith('val_') && !has(name.slice(4)) && !['val_loss', 'val_accuracy'].includes(name)) pair(name.slice(4), `${name.slice(4)}: validation`, '');
  const step = (name: string, label: string, spec: Omit<ChartSpec, 'curves' | 'xLabel'> & { color: string; autoLog?: boolean }): void => {
    if (!has(name)) return;
    const log = spec.yLog === true || (spec.autoLog === true && wantsLog([curves[name]]));
    out.push({
      names: [name],
      spec: {
        ...spec,
        title: log && spec.yLog !== true ? `${spec.title} (log)` : spec.title,
        caption: (spec.caption ?? '') + notFiniteNote([curves[name]], 'step'),
        yLog: log,
        xLabel: 'step',
        integerX: true,
        curves: [{ label, points: curves[name], color: spec.color }],
        testid: `chart-${name.replace(':', '-')}`,
      },
    });
  };
  step('step:lr', 'lr', { title: 'Learning rate as it ran', caption: 'The schedule as the optimizer applied it, by step. Drag to zoom.', color: ACCENT });
  step('step:updateRatio', 'ratio', {
    title: 'Update / parameter ratio (log)',
    caption: 'Median over the weights of |update| / |weight| per step. About 1e-3 is healthy (shaded: 3e-4 … 3e-3).',
    color: '#7c3aed',
    yLog: true,
    band: RATIO_BAND,
  });
  step('step:loss', 'loss', { title: 'Training loss by step', caption: 'Drag to zoom: the range is fetched at full resolution.', color: TRAIN_COLOR, autoLog: true });
  step('intermediate', 'value', { title: 'Reported value by step', caption: 'What the trial reported to the study (the pruner’s input).', color: STATE_COLOR.complete, autoLog: true });
  return out;
}


/**
 * The study overview: the best value over time (with every trial's value as a dot), hyperparameter
 * importance (the server computes it and names its method), parallel coordinates of the params and
 * the value, the value against each param, every trial's reported curve overlaid (pruned ones
 * dimmed) and the sortable, filterable trial table.
 *
 * The trials come from the study's event stream (a snapshot with up to OVERLAY_POINTS points per trial,
 * then updates), the computed parts from /overview; while trials run, the charts are redrawn at most
 * every REDRAW_MS and /overview is fetched again at most every OVERVIEW_MS.
 */
import type { StudyListItem, StudyOverview, TrialSummary } from '../api.js';
import { chart, type Chart } from './chart.js';
import { api } from './client.js';
import { robustRange } from './canvas.js';
import { h, replace, setText } from './dom.js';
import { formatNumber } from './format.js';
import { notice, setCrumbs, setLive, studyFacts, studyHeading, withLiveCounts } from './layout.js';
import { applyEvent, connectStudy } from './live.js';
import { drawOverlay } from './overlay.js';
import { paramAxis, paramNames } from './param-axis.js';
import { drawParallelCoordinates } from './parcoords.js';
import { CENTER_DEFAULTS, hashOf } from './route.js';
import { drawScatter } from './scatter.js';
import { trialTable } from './table.js';
import { ACCENT, STATE_COLOR } from './theme.js';

/** Points per trial for the overlay: 150, fewer in very large studies (300,000 in all at most). */
const OVERLAY_POINTS = 150;
const POINT_BUDGET = 300_000;
const REDRAW_MS = 1500;
const OVERVIEW_MS = 3000;

export function studyOverview(root: HTMLElement, study: StudyListItem): () => void {
  setCrumbs([study.name, hashOf({ view: 'center', study: study.name, options: CENTER_DEFAULTS })], ['Overview']);
  const controller = new AbortController();
  const trials = new Map<number, TrialSummary>();
  let overview: StudyOverview | undefined;
  let best: Chart | undefined;

  const section = (title: string, caption: string, testid: string, ...body: Node[]): HTMLElement =>
    h('section', { class: 'panel', 'data-testid': testid }, h('h2', {}, title), caption === '' ? null : h('p', { class: 'caption' }, caption), ...body);
  const bestBox = h('div');
  const importanceBox = h('div', { class: 'importance' });
  const importanceMethod = h('p', { class: 'caption', 'data-testid': 'importance-method' });
  const parcoords = h('canvas', { class: 'parcoords', 'data-testid': 'parcoords-canvas' });
  const scatters = h('div', { class: 'scatters' });
  const overlay = h('canvas', { class: 'overlay', 'data-testid': 'overlay-canvas' });
  const table = trialTable(study.name, study.direction);
  const status = h('div');
  const heading = studyHeading(study, 'overview');
  const facts = heading.querySelector('[data-testid="study-facts"]')!;
  replace(
    root,
    heading,
    status,
    h(
      'div',
      { class: 'overview-grid' },
      section('Best value over time', 'The best value so far (line) and each finished trial’s value (dots), by the time it finished.', 'best-over-time', bestBox),
      section('Hyperparameter importance', '', 'importance', importanceMethod, importanceBox),
    ),
    section('Parallel coordinates', 'One line per trial with a value, from its hyperparameters to its value; darker is better. Log axes where the search space is log.', 'parcoords', parcoords),
    section('Value against each hyperparameter', 'Complete trials in green, pruned ones (their last reported value) in grey.', 'scatters', scatters),
    section('Every trial’s reported values', 'By step. Complete green, running blue, pruned grey and faint, failed red. Outliers (a diverging trial) leave the frame.', 'overlay', overlay),
    section('Trials', 'Click a column to sort; click a number to open the trial.', 'trials', table.el),
  );
  replace(status, notice('loading', 'Loading trials…'));

  function drawImportance(): void {
    if (overview === undefined) return;
    setText(importanceMethod, `Method: ${overview.importance.method}. Weights sum to 1.`);
    const entries = Object.entries(overview.importance.values).sort((a, b) => b[1] - a[1]);
    if (entries.length === 0) {
      replace(importanceBox, h('p', { class: 'muted' }, 'Not enough complete trials yet to tell which hyperparameters matter.'));
      return;
    }
    replace(
      importanceBox,
      ...entries.map(([name, w]) => {
        const bar = h('span', { class: 'bar' });
        bar.style.width = `${Math.max(0.5, w * 100)}%`;
        return h('div', { class: 'imp-row', 'data-testid': 'importance-row' }, h('span', { class: 'name', title: name }, name), h('span', { class: 'track' }, bar), h('span', { class: 'w' }, formatNumber(w, 2)));
      }),
    );
  }

  const dotsNow = (): Array<[number, number]> =>
    [...trials.values()]
      .filter((t) => t.state === 'complete' && t.finished !== undefined && t.value !== undefined && Number.isFinite(t.value))
      .map((t): [number, number] => [t.finished!, t.value!])
      .sort((a, b) => a[0] - b[0]);

  function drawBest(): void {
    if (overview === undefined) return;
    const curves = [overview.bestOverTime, dotsNow()];
    if (best === undefined) {
      if (overview.bestOverTime.length === 0) {
        replace(bestBox, h('p', { class: 'muted' }, 'No trial has finished yet.'));
        return;
      }
      best = chart(
        {
          title: '',
          xLabel: 'time',
          time: true,
          curves: [
            { label: 'best so far', points: curves[0], color: ACCENT, width: 2, stepped: true },
            { label: 'trial value', points: curves[1], color: STATE_COLOR.complete, dots: true },
          ],
          height: 220,
          yRange: () => robustRange([...overview!.bestOverTime, ...dotsNow()].map((p) => p[1])),
          testid: 'best-chart',
        },
        bestBox.clientWidth || 480,
      );
      replace(bestBox, best.el);
    } else best.setCurves(curves);
  }

  function drawTrials(): void {
    const all = [...trials.values()].sort((a, b) => a.number - b.number);
    setText(facts, studyFacts(withLiveCounts(study, all)));
    const names = paramNames(all);
    const axes = names.map((n) => paramAxis(n, all));
    parcoords.style.height = '300px';
    drawParallelCoordinates(parcoords, all, axes, study.direction);
    replace(
      scatters,
      ...(axes.length === 0
        ? [h('p', { class: 'muted' }, 'No hyperparameters yet.')]
        : axes.map((axis) => {
            const canvas = h('canvas', { class: 'scatter' });
            const fig = h('figure', { class: 'scatter-fig' }, h('figcaption', {}, axis.name, h('span', { class: 'muted' }, axis.kind === 'choice' ? ' · choice' : axis.log ? ' · log' : '')), canvas);
            queueMicrotask(() => drawScatter(canvas, all, axis));
            return fig;
          })),
    );
    drawOverlay(overlay, all);
    table.update(all);
    drawBest();
  }

  // Redraws and re-fetches, each throttled.
  let redrawTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRedraw = 0;
  const scheduleRedraw = (): void => {
    if (redrawTimer !== undefined) return;
    redrawTimer = setTimeout(() => {
      redrawTimer = undefined;
      lastRedraw = Date.now();
      drawTrials();
    }, Math.max(0, lastRedraw + REDRAW_MS - Date.now()));
  };
  let overviewTimer: ReturnType<typeof setTimeout> | undefined;
  let lastOverview = 0;
  const fetchOverview = async (): Promise<void> => {
    lastOverview = Date.now();
    try {
      overview = await api.overview(study.name, controller.signal);
      drawImportance();
      drawBest();
    } catch (e) {
      if (!controller.signal.aborted) replace(importanceBox, h('p', { class: 'muted' }, `Could not load the overview: ${(e as Error).message}`));
    }
  };
  const scheduleOverview = (): void => {
    if (overviewTimer !== undefined) return;
    overviewTimer = setTimeout(() => {
      overviewTimer = undefined;
      void fetchOverview();
    }, Math.max(0, lastOverview + OVERVIEW_MS - Date.now()));
  };
  void fetchOverview();

  const disconnect = connectStudy(
    api.eventsUrl(study.name, Math.max(2, Math.min(OVERLAY_POINTS, Math.floor(POINT_BUDGET / Math.max(1, study.trials.total))))),
    (event) => {
      const applied = applyEvent(trials, event);
      if (applied.deleted) {
        replace(root, notice('error', `The study “${study.name}” was deleted.`));
        return;
      }
      if (applied.reset) {
        status.replaceChildren();
        lastRedraw = Date.now();
        drawTrials();
        return;
      }
      scheduleRedraw();
      scheduleOverview();
    },
    setLive,
  );
  const onResize = (): void => {
    best?.resize();
    scheduleRedraw();
  };
  window.addEventListener('resize', onResize);

  return () => {
    controller.abort();
    disconnect();
    clearTimeout(redrawTimer);
    clearTimeout(overviewTimer);
    window.removeEventListener('resize', onResize);
    best?.destroy();
    setLive('off');
  };
}

/**
 * The command center: one card per trial, updating live. A card shows the reported value (a faint
 * scatter of raw points and its debiased EMA, sparkline.ts), the last validation accuracy, the
 * state, the worker, the elapsed time and the hyperparameters; the toolbar sorts (best value,
 * newest, oldest), filters by state, keeps the top k and sets the smoothing.
 *
 * Cheap at 1,000 and more trials:
 * - every card is a small fixed-size box made once and kept (sorting moves nodes, never rebuilds);
 *   its contents are built the first time it comes in or near the viewport (IntersectionObserver),
 *   so the first render builds some 40 cards' worth of DOM, not 1,000 (or 10,000);
 * - a card's canvas is drawn only while the card is in or near the viewport, and redrawn only when
 *   its trial changed, batched into one animation frame (every size read before any drawing);
 * - the server downsamples each curve to about one point per card pixel (cardPoints), fewer when
 *   there are very many trials (POINT_BUDGET), so the first snapshot stays a few MB;
 * - the cards' CSS uses `content-visibility: auto`, so the browser lays out only the visible ones.
 *
 * The first full render (all cards in the DOM, the visible ones drawn) is marked with
 * performance.mark('trainkit:first-render') and the grid's `data-rendered` attribute (the first
 * snapshot's arrival with 'trainkit:snapshot'); each drawn
 * canvas carries `data-points`, `data-last-step` and `data-drawn-at` (epoch ms), which the tests and
 * bench/dashboard.ts read.
 */
import type { StudyEvent, StudyListItem, TrialState, TrialSummary } from '../api.js';
import { arrange } from './arrange.js';
import { api } from './client.js';
import { h, replace, setText } from './dom.js';
import { elapsed, formatAccuracy, formatDuration, formatNumber, formatParam, plural } from './format.js';
import { notice, setCrumbs, setLive, studyFacts, studyHeading, withLiveCounts } from './layout.js';
import { applyEvent, connectStudy } from './live.js';
import { hashOf, STATES, type CenterOptions, type SortKey } from './route.js';
import { debiasedEma } from './smoothing.js';
import { drawSparkline } from './sparkline.js';
import { STATE_COLOR } from './theme.js';

/** Points of all cards together, at most: a study of 10,000 trials gets 30 a card. */
const POINT_BUDGET = 300_000;
const MIN_CARD_POINTS = 30;
const MAX_CARD_POINTS = 400;
/** The cards' grid (app.css): columns at least CARD_MIN_PX wide, GAP_PX apart, in a page with PAGE_PAD_PX of padding; a card's canvas is CARD_INSET_PX narrower than the card. */
const CARD_MIN_PX = 260;
const GAP_PX = 10;
const PAGE_PAD_PX = 40;
const CARD_INSET_PX = 23;

/**
 * How many points a card's curve gets from the server: one per CSS pixel of its canvas (the server
 * keeps each pixel's lowest and highest value), fewer when the study is so large that the whole
 * snapshot would exceed POINT_BUDGET.
 */
export function cardPoints(viewportWidth: number, trials: number): number {
  const width = Math.min(viewportWidth, 1600) - PAGE_PAD_PX;
  const columns = Math.max(1, Math.floor((width + GAP_PX) / (CARD_MIN_PX + GAP_PX)));
  const canvas = (width - GAP_PX * (columns - 1)) / columns - CARD_INSET_PX;
  const perPixel = Math.min(MAX_CARD_POINTS, Math.round(canvas));
  return Math.max(MIN_CARD_POINTS, Math.min(perPixel, Math.floor(POINT_BUDGET / Math.max(1, trials))));
}

/** Cards this far outside the viewport are drawn too, so scrolling shows drawn curves. */
const NEAR_VIEWPORT = '600px 0px';

/** A card: its box (always in the grid while shown) and, once it came near the viewport, its contents. */
interface Card {
  trial: TrialSummary;
  el: HTMLAnchorElement;
  /** Built the first time the card comes near the viewport (a study of 10,000 trials builds ~40). */
  parts?: CardParts;
  visible: boolean;
  dirty: boolean;
}

interface CardParts {
  canvas: HTMLCanvasElement;
  badge: HTMLElement;
  time: HTMLElement;
  valueLabel: HTMLElement;
  value: HTMLElement;
  acc: HTMLElement;
  params: HTMLElement;
  worker: HTMLElement;
  /** The params as last rendered (JSON), to rebuild the list only when they change. */
  paramsKey: string;
}

const SORT_LABEL: Record<SortKey, string> = { value: 'best value first', newest: 'newest first', oldest: 'oldest first' };

/** The command center of `study` in `root`; returns the function that tears it down. */
export function commandCenter(root: HTMLElement, study: StudyListItem, initial: CenterOptions): () => void {
  setCrumbs([study.name]);
  const options: CenterOptions = { ...initial, states: [...initial.states] };
  const trials = new Map<number, TrialSummary>();
  const cards = new Map<number, Card>();
  let order: number[] = [];
  let firstRender = false;

  // --- toolbar -------------------------------------------------------------------------------
  const sortSelect = h('select', { 'data-testid': 'sort', 'aria-label': 'Sort' }, ...(['value', 'newest', 'oldest'] as const).map((k) => h('option', { value: k }, SORT_LABEL[k])));
  sortSelect.value = options.sort;
  const stateButtons = new Map<TrialState, { button: HTMLButtonElement; count: HTMLElement }>();
  const stateBar = h('div', { class: 'chips', role: 'group', 'aria-label': 'Show states' });
  const allButton = h('button', { type: 'button', class: 'chip', 'data-testid': 'filter-all' }, 'all');
  stateBar.append(allButton);
  for (const s of STATES) {
    const count = h('span', { class: 'n' }, '0');
    const button = h('button', { type: 'button', class: 'chip', 'data-state': s, 'data-testid': `filter-${s}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), s, ' ', count);
    stateButtons.set(s, { button, count });
    stateBar.append(button);
  }
  const topInput = h('input', { type: 'number', min: 1, step: 1, placeholder: 'all', 'data-testid': 'top-k', 'aria-label': 'Show only the k best', class: 'top-k' });
  if (options.top !== undefined) topInput.value = String(options.top);
  const betaInput = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, 'data-testid': 'smoothing', 'aria-label': 'Smoothing' });
  betaInput.value = String(options.beta);
  const betaValue = h('output', { class: 'beta' }, options.beta.toFixed(2));
  const shown = h('span', { class: 'shown', 'data-testid': 'shown' });
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    h('label', { class: 'field' }, h('span', {}, 'Sort'), sortSelect),
    h('div', { class: 'field' }, h('span', {}, 'Show'), stateBar),
    h('label', { class: 'field' }, h('span', {}, 'Top'), topInput),
    h('label', { class: 'field', title: 'Weight of the past in the smoothed line (TensorBoard’s smoothing): 0 = none' }, h('span', {}, 'Smoothing'), betaInput, betaValue),
    shown,
  );
  const grid = h('div', { class: 'cards', 'data-testid': 'cards' });
  const empty = h('div', { class: 'cards-empty' });
  const heading = studyHeading(study, 'center');
  const facts = heading.querySelector('[data-testid="study-facts"]')!;
  replace(root, heading, toolbar, empty, grid);

  // --- drawing ---------------------------------------------------------------------------------
  let frame = 0;
  const scheduleDraw = (): void => {
    if (frame === 0) frame = requestAnimationFrame(drawDirty);
  };
  function drawDirty(): void {
    frame = 0;
    // Measure every canvas first, then draw: a resized canvas invalidates the layout, and reading a
    // size after that would lay the page out again, once per card.
    const due = [...cards.values()].filter((card) => card.dirty && card.visible && card.parts !== undefined && card.el.isConnected);
    const sizes = due.map((card) => [card.parts!.canvas.clientWidth, card.parts!.canvas.clientHeight] as const);
    due.forEach((card, i) => drawCard(card, card.parts!, sizes[i][0], sizes[i][1]));
    // The first full render: the snapshot's cards are placed and the observer has said which are visible.
    if (!firstRender && trialsReceived && (observed || order.length === 0)) {
      firstRender = true;
      grid.setAttribute('data-rendered', String(order.length));
      performance.mark('trainkit:first-render');
    }
  }
  function drawCard(card: Card, { canvas }: CardParts, width: number, height: number): void {
    const points = card.trial.intermediate;
    drawSparkline(canvas, points, debiasedEma(points, options.beta), STATE_COLOR[card.trial.state], width, height);
    card.dirty = false;
    canvas.setAttribute('data-points', String(points.length));
    canvas.setAttribute('data-last-step', String(points.at(-1)?.[0] ?? ''));
    canvas.setAttribute('data-drawn-at', String(Math.round(performance.timeOrigin + performance.now())));
  }
  /** Whether the observer has reported on the cards at least once (so `visible` means something). */
  let observed = false;
  const observer = new IntersectionObserver(
    (entries) => {
      observed = true;
      for (const e of entries) {
        const card = cards.get(Number((e.target as HTMLElement).dataset.trial));
        if (card === undefined) continue;
        card.visible = e.isIntersecting;
        if (card.visible && card.parts === undefined) build(card, Date.now());
      }
      scheduleDraw();
    },
    { rootMargin: NEAR_VIEWPORT },
  );

  // --- cards -----------------------------------------------------------------------------------
  /** A card's box: the link, its number and state; the rest waits until it is near the viewport. */
  function makeCard(t: TrialSummary): Card {
    const el = h('a', { class: 'card', 'data-testid': 'trial-card', 'data-trial': t.number, href: hashOf({ view: 'trial', study: study.name, number: t.number }) });
    const card: Card = { trial: t, el, visible: false, dirty: true };
    updateCard(card, t, Date.now());
    observer.observe(el);
    return card;
  }

  function build(card: Card, now: number): void {
    const t = card.trial;
    const parts: CardParts = {
      canvas: h('canvas', { class: 'spark', 'data-testid': 'curve', role: 'img', 'aria-label': `reported value of trial ${t.number} by step` }),
      badge: h('span', { class: 'badge', 'data-testid': 'state' }),
      time: h('span', { class: 'time', title: 'elapsed time' }),
      valueLabel: h('span', { class: 'k' }),
      value: h('span', { class: 'v', 'data-testid': 'value' }),
      acc: h('span', { class: 'v', 'data-testid': 'val-accuracy' }),
      params: h('dl', { class: 'params', 'data-testid': 'params' }),
      worker: h('span', { class: 'worker' }),
      paramsKey: '',
    };
    card.el.append(
      h('div', { class: 'card-head' }, h('span', { class: 'num' }, `#${t.number}`), parts.badge, parts.time),
      parts.canvas,
      h('div', { class: 'stats' }, h('span', {}, parts.valueLabel, ' ', parts.value), h('span', {}, h('span', { class: 'k' }, 'val acc'), ' ', parts.acc)),
      parts.params,
      h('div', { class: 'card-foot' }, parts.worker),
    );
    card.parts = parts;
    updateCard(card, t, now);
  }

  function updateCard(card: Card, t: TrialSummary, now: number): void {
    card.trial = t;
    card.dirty = true;
    card.el.setAttribute('data-state', t.state);
    const p = card.parts;
    if (p === undefined) return;
    setText(p.badge, t.state);
    p.badge.setAttribute('data-state', t.state);
    setText(p.time, formatDuration(elapsed(t, now)));
    const hasValue = t.value !== undefined;
    setText(p.valueLabel, hasValue ? 'value' : 'last');
    setText(p.value, formatNumber(hasValue ? t.value : t.intermediate.at(-1)?.[1]));
    setText(p.acc, formatAccuracy(t.lastLogs?.val_accuracy));
    setText(p.worker, t.worker ?? '');
    p.worker.setAttribute('title', t.worker === undefined ? '' : `worker ${t.worker}`);
    const key = JSON.stringify(t.params);
    if (key !== p.paramsKey) {
      p.paramsKey = key;
      const entries = Object.entries(t.params);
      replace(p.params, ...entries.map(([name, v]) => h('div', {}, h('dt', {}, name), h('dd', {}, formatParam(v, t.distributions[name])))));
      if (entries.length === 0) p.params.append(h('div', { class: 'none' }, h('dt', {}, 'no parameters yet')));
      card.el.setAttribute('title', entries.map(([name, v]) => `${name} = ${formatParam(v, t.distributions[name])}`).join('\n'));
    }
  }

  // --- arranging -------------------------------------------------------------------------------
  function place(): void {
    const all = [...trials.values()];
    const next = arrange(all, options, study.direction).map((t) => t.number);
    const same = next.length === order.length && next.every((n, i) => n === order[i]);
    if (!same) {
      order = next;
      grid.replaceChildren(...next.map((n) => cards.get(n)!.el));
    }
    const counts: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, failed: 0, waiting: 0 };
    for (const t of all) counts[t.state]++;
    if (trialsReceived) setText(facts, studyFacts(withLiveCounts(study, all)));
    allButton.setAttribute('aria-pressed', String(options.states.length === 0));
    for (const [s, { button, count }] of stateButtons) {
      setText(count, String(counts[s]));
      button.setAttribute('aria-pressed', String(options.states.includes(s)));
    }
    setText(shown, order.length === all.length ? plural(all.length, 'trial') : `showing ${order.length} of ${plural(all.length, 'trial')}`);
    if (!trialsReceived) replace(empty, notice('loading', 'Loading trials…'));
    else if (all.length === 0) replace(empty, notice('empty', 'No trials yet. Cards appear here as soon as a worker starts one.'));
    else if (order.length === 0) replace(empty, notice('empty', 'No trial matches these filters.'));
    else empty.replaceChildren();
  }

  function setOptions(change: Partial<CenterOptions>): void {
    Object.assign(options, change);
    // Record the options in the address without a navigation (no hashchange, nothing rebuilt).
    history.replaceState(null, '', hashOf({ view: 'center', study: study.name, options }));
    place();
  }

  sortSelect.addEventListener('change', () => setOptions({ sort: sortSelect.value as SortKey }));
  allButton.addEventListener('click', () => setOptions({ states: [] }));
  for (const [s, { button }] of stateButtons)
    button.addEventListener('click', () => setOptions({ states: options.states.includes(s) ? options.states.filter((x) => x !== s) : [...options.states, s] }));
  topInput.addEventListener('input', () => {
    const k = Number(topInput.value);
    setOptions({ top: topInput.value !== '' && Number.isInteger(k) && k > 0 ? k : undefined });
  });
  betaInput.addEventListener('input', () => {
    const beta = Math.min(0.99, Math.max(0, Number(betaInput.value)));
    setText(betaValue, beta.toFixed(2));
    Object.assign(options, { beta });
    history.replaceState(null, '', hashOf({ view: 'center', study: study.name, options }));
    for (const card of cards.values()) card.dirty = true;
    scheduleDraw();
  });

  // --- live ------------------------------------------------------------------------------------
  let trialsReceived = false;
  place();
  const onEvent = (event: StudyEvent): void => {
    if (event.type === 'snapshot' && !trialsReceived) performance.mark('trainkit:snapshot');
    const applied = applyEvent(trials, event);
    if (applied.deleted) {
      replace(root, notice('error', `The study “${study.name}” was deleted.`, h('p', {}, h('a', { href: '#/' }, 'See the studies'))));
      return;
    }
    const now = Date.now();
    if (applied.reset) {
      for (const [n, card] of cards) {
        if (trials.has(n)) continue;
        observer.unobserve(card.el);
        cards.delete(n);
      }
      trialsReceived = true;
    }
    for (const n of applied.changed) {
      const t = trials.get(n)!;
      const card = cards.get(n);
      if (card === undefined) cards.set(n, makeCard(t));
      else updateCard(card, t, now);
    }
    place();
    scheduleDraw();
  };
  const disconnect = connectStudy(api.eventsUrl(study.name, cardPoints(window.innerWidth, study.trials.total)), onEvent, setLive);

  // Elapsed times of running trials tick every second (visible cards only).
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const card of cards.values()) if (card.visible && card.parts !== undefined && card.trial.state === 'running') setText(card.parts.time, formatDuration(elapsed(card.trial, now)));
  }, 1000);

  return () => {
    disconnect();
    clearInterval(ticker);
    observer.disconnect();
    cancelAnimationFrame(frame);
    setLive('off');
  };
}

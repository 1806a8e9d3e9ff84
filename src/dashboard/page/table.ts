/**
 * The study's trial table: one row per trial (number, state, value, each hyperparameter, duration,
 * reported values, worker), sorted by clicking a column's header (again: the other way), filtered by
 * state and by a text that any cell may contain. The first ROW_LIMIT rows are built (a study of
 * 10,000 trials stays quick), with a button for the rest.
 */
import type { Direction, TrialState, TrialSummary } from '../api.js';
import { h, replace, setText } from './dom.js';
import { elapsed, formatDuration, formatNumber, formatParam, plural } from './format.js';
import { paramNames } from './param-axis.js';
import { hashOf, STATES } from './route.js';

const ROW_LIMIT = 300;

interface Column {
  key: string;
  label: string;
  cell(t: TrialSummary, now: number): string;
  /** The sort key: numbers sort as numbers, anything else as text; undefined last. */
  sortKey(t: TrialSummary): number | string | undefined;
  numeric: boolean;
}

export interface TrialTable {
  el: HTMLElement;
  update(trials: readonly TrialSummary[]): void;
}

export function trialTable(study: string, direction: Direction): TrialTable {
  let trials: readonly TrialSummary[] = [];
  let sort = { key: 'value', ascending: direction === 'minimize' };
  let stateFilter: TrialState | '' = '';
  let text = '';
  let showAll = false;
  const filterInput = h('input', { type: 'search', placeholder: 'Filter: any text in a row', 'data-testid': 'table-filter', 'aria-label': 'Filter trials' });
  const stateSelect = h('select', { 'data-testid': 'table-state', 'aria-label': 'State' }, h('option', { value: '' }, 'all states'), ...STATES.map((s) => h('option', { value: s }, s)));
  const count = h('span', { class: 'shown' });
  const thead = h('thead');
  const tbody = h('tbody');
  const more = h('div', { class: 'more' });
  const el = h('div', { class: 'table-box' }, h('div', { class: 'toolbar' }, filterInput, stateSelect, count), h('div', { class: 'scroll' }, h('table', { class: 'trials', 'data-testid': 'trial-table' }, thead, tbody)), more);

  filterInput.addEventListener('input', () => {
    text = filterInput.value.trim().toLowerCase();
    render();
  });
  stateSelect.addEventListener('change', () => {
    stateFilter = stateSelect.value as TrialState | '';
    render();
  });

  function columns(): Column[] {
    const params = paramNames(trials).map(
      (name): Column => ({
        key: `param:${name}`,
        label: name,
        cell: (t) => formatParam(t.params[name], t.distributions[name]),
        sortKey: (t) => {
          const v = t.params[name];
          return v === undefined || v === null ? undefined : typeof v === 'number' ? v : String(v);
        },
        numeric: trials.every((t) => t.params[name] === undefined || typeof t.params[name] === 'number'),
      }),
    );
    return [
      { key: 'number', label: '#', cell: (t) => String(t.number), sortKey: (t) => t.number, numeric: true },
      { key: 'state', label: 'state', cell: (t) => t.state, sortKey: (t) => t.state, numeric: false },
      { key: 'value', label: 'value', cell: (t) => formatNumber(t.value), sortKey: (t) => (t.value === undefined || Number.isNaN(t.value) ? undefined : t.value), numeric: true },
      ...params,
      { key: 'duration', label: 'duration', cell: (t, now) => formatDuration(elapsed(t, now)), sortKey: (t) => elapsed(t, Date.now()), numeric: true },
      { key: 'reported', label: 'reported', cell: (t) => String(t.intermediateCount), sortKey: (t) => t.intermediateCount, numeric: true },
      { key: 'worker', label: 'worker', cell: (t) => t.worker ?? '', sortKey: (t) => t.worker, numeric: false },
    ];
  }

  function render(): void {
    const cols = columns();
    const now = Date.now();
    replace(
      thead,
      h(
        'tr',
        {},
        ...cols.map((c) => {
          const on = sort.key === c.key;
          const button = h('button', { type: 'button', class: 'th' }, c.label, on ? (sort.ascending ? ' ▲' : ' ▼') : '');
          button.addEventListener('click', () => {
            sort = on ? { key: c.key, ascending: !sort.ascending } : { key: c.key, ascending: c.key === 'value' ? direction === 'minimize' : true };
            render();
          });
          return h('th', { scope: 'col', class: c.numeric ? 'num' : null, 'aria-sort': on ? (sort.ascending ? 'ascending' : 'descending') : null }, button);
        }),
      ),
    );
    const col = cols.find((c) => c.key === sort.key) ?? cols[0];
    const sign = sort.ascending ? 1 : -1;
    let rows = trials.filter((t) => stateFilter === '' || t.state === stateFilter);
    const cells = new Map(rows.map((t) => [t.number, cols.map((c) => c.cell(t, now))]));
    if (text !== '') rows = rows.filter((t) => cells.get(t.number)!.some((c) => c.toLowerCase().includes(text)));
    rows = [...rows].sort((a, b) => {
      const ka = col.sortKey(a);
      const kb = col.sortKey(b);
      if (ka === undefined || kb === undefined) return ka === kb ? a.number - b.number : ka === undefined ? 1 : -1;
      if (ka === kb) return a.number - b.number;
      return sign * (typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb)));
    });
    const shown = showAll ? rows : rows.slice(0, ROW_LIMIT);
    replace(
      tbody,
      ...shown.map((t) =>
        h(
          'tr',
          { 'data-testid': 'trial-row', 'data-trial': t.number, 'data-state': t.state },
          ...cells.get(t.number)!.map((text, i) =>
            h(
              'td',
              { class: cols[i].numeric ? 'num' : null },
              i === 0 ? h('a', { href: hashOf({ view: 'trial', study, number: t.number }) }, text) : i === 1 ? h('span', { class: 'badge', 'data-state': t.state }, text) : text,
            ),
          ),
        ),
      ),
    );
    setText(count, rows.length === trials.length ? plural(trials.length, 'trial') : `${rows.length} of ${plural(trials.length, 'trial')}`);
    if (shown.length < rows.length) {
      const button = h('button', { type: 'button', class: 'chip' }, `Show all ${rows.length} rows`);
      button.addEventListener('click', () => {
        showAll = true;
        render();
      });
      replace(more, button);
    } else more.replaceChildren();
  }

  return {
    el,
    update(next) {
      trials = next;
      render();
    },
  };
}

/**
 * The parts every view shares: the breadcrumbs in the top bar, the live indicator, the study's
 * heading with its tabs (command center / overview), and calm messages for loading, errors and
 * emptiness. All text goes in as text (dom.ts).
 */
import type { StudyListItem, TrialSummary } from '../api.js';
import { h, replace, setText } from './dom.js';
import { formatNumber, plural } from './format.js';
import type { LiveStatus } from './live.js';
import { CENTER_DEFAULTS, hashOf } from './route.js';

/** Sets the top bar's breadcrumbs: [label, href?] pairs after "Studies". */
export function setCrumbs(...crumbs: Array<[label: string, href?: string]>): void {
  const nav = document.getElementById('crumbs');
  if (nav === null) return;
  const items: Node[] = [h('a', { href: '#/' }, 'Studies')];
  for (const [label, href] of crumbs) {
    items.push(h('span', { class: 'sep', 'aria-hidden': 'true' }, '›'));
    items.push(href === undefined ? h('span', { class: 'current' }, label) : h('a', { href }, label));
  }
  replace(nav, ...items);
}

const LIVE_TEXT: Record<LiveStatus | 'off', string> = { off: '', connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

/** Shows the event stream's state in the top bar ('off' hides it). */
export function setLive(status: LiveStatus | 'off'): void {
  const el = document.getElementById('live');
  if (el === null) return;
  el.setAttribute('data-state', status);
  setText(el, LIVE_TEXT[status]);
}

/** The study's facts line: direction, counts, best value, sampler, pruner. */
export function studyFacts(study: StudyListItem): string {
  const c = study.trials;
  return [
    study.direction,
    plural(c.total, 'trial'),
    c.running > 0 ? `${c.running} running` : '',
    study.best !== undefined ? `best ${formatNumber(study.best)}` : '',
    study.sampler ?? '',
    study.pruner ?? '',
  ]
    .filter((s) => s !== '')
    .join(' · ');
}

/** The study's listing with its counts and best value taken from live trials. */
export function withLiveCounts(study: StudyListItem, trials: readonly TrialSummary[]): StudyListItem {
  const counts = { total: trials.length, waiting: 0, running: 0, complete: 0, pruned: 0, failed: 0 };
  let best: number | undefined;
  for (const t of trials) {
    counts[t.state]++;
    if (t.state !== 'complete' || typeof t.value !== 'number' || Number.isNaN(t.value)) continue;
    if (best === undefined || (study.direction === 'minimize' ? t.value < best : t.value > best)) best = t.value;
  }
  return { ...study, trials: counts, best };
}

/** The study's heading: name, facts (`[data-testid=study-facts]`, which live views keep current), and the two tabs. */
export function studyHeading(study: StudyListItem, active: 'center' | 'overview'): HTMLElement {
  const tab = (label: string, href: string, on: boolean): HTMLElement =>
    h('a', { class: on ? 'tab on' : 'tab', href, 'aria-current': on ? 'page' : null }, label);
  return h(
    'div',
    { class: 'study-heading' },
    h('div', { class: 'title-row' }, h('h1', { 'data-testid': 'study-name' }, study.name), h('p', { class: 'facts', 'data-testid': 'study-facts' }, studyFacts(study))),
    h(
      'nav',
      { class: 'tabs' },
      tab('Command center', hashOf({ view: 'center', study: study.name, options: CENTER_DEFAULTS }), active === 'center'),
      tab('Overview', hashOf({ view: 'overview', study: study.name }), active === 'overview'),
    ),
  );
}

/** A calm message in place of a view: loading, an error, nothing to show. */
export function notice(kind: 'loading' | 'error' | 'empty', text: string, ...more: Array<Node | string>): HTMLElement {
  return h('div', { class: `notice ${kind}`, 'data-testid': `notice-${kind}`, role: kind === 'error' ? 'alert' : null }, h('p', {}, text), ...more);
}

/** The study of that name in the list, or a notice saying there is none. */
export function findStudy(studies: StudyListItem[], name: string): StudyListItem | HTMLElement {
  return studies.find((s) => s.name === name) ?? notice('error', `There is no study named “${name}” in this store.`, h('p', {}, h('a', { href: '#/' }, 'See the studies')));
}

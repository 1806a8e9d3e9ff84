/**
 * The store's studies: one row each with its direction, trial counts by state, best value, sampler
 * and pruner, and when it was created; a study's name opens its command center.
 */
import type { StudyListItem } from '../api.js';
import { h, replace } from './dom.js';
import { formatNumber, formatTime } from './format.js';
import { notice, setCrumbs } from './layout.js';
import { CENTER_DEFAULTS, hashOf } from './route.js';

export function studyList(root: HTMLElement, studies: StudyListItem[], unknown?: string): void {
  setCrumbs();
  const warning = unknown === undefined ? null : notice('error', `There is no page at “#${unknown}”. Here are the studies.`);
  if (studies.length === 0) {
    replace(root, h('h1', {}, 'Studies'), warning ?? '', notice('empty', 'This store has no study yet. Start one (trainkit tune … --storage URL) and it appears here.'));
    return;
  }
  const num = (n: number): HTMLElement => h('td', { class: 'num' }, n === 0 ? '' : String(n));
  replace(
    root,
    h('h1', {}, 'Studies'),
    warning ?? '',
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'trials studies', 'data-testid': 'study-table' },
        h('thead', {}, h('tr', {}, ...['study', 'direction', 'trials', 'running', 'complete', 'pruned', 'failed', 'best', 'sampler', 'pruner', 'created'].map((c, i) => h('th', { scope: 'col', class: i >= 2 && i <= 7 ? 'num' : null }, c)))),
        h(
          'tbody',
          {},
          ...[...studies]
            .sort((a, b) => b.created - a.created)
            .map((s) =>
              h(
                'tr',
                { 'data-testid': 'study-row' },
                h('td', {}, h('a', { href: hashOf({ view: 'center', study: s.name, options: CENTER_DEFAULTS }), 'data-testid': 'study-link' }, s.name)),
                h('td', {}, s.direction),
                num(s.trials.total),
                num(s.trials.running),
                num(s.trials.complete),
                num(s.trials.pruned),
                num(s.trials.failed),
                h('td', { class: 'num' }, s.best === undefined ? '' : formatNumber(s.best)),
                h('td', { title: s.sampler ?? null }, s.sampler ?? ''),
                h('td', { title: s.pruner ?? null }, s.pruner ?? ''),
                h('td', {}, formatTime(s.created)),
              ),
            ),
        ),
      ),
    ),
  );
}

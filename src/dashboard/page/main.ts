/**
 * The dashboard page's entry (bundled by esbuild into /assets/app.js; app.css and the CSS imported
 * here, uPlot's, become /assets/app.css: dashboard/assets.ts). It reads the address (route.ts), loads the store's studies and shows the view:
 * the studies, a study's command center, its overview or a trial's detail. A change of address tears
 * the current view down (closing its event stream) and builds the next.
 */
import 'uplot/dist/uPlot.min.css';
import type { StudyListItem } from '../api.js';
import { commandCenter } from './center.js';
import { api } from './client.js';
import { trialDetail } from './detail.js';
import { h, replace } from './dom.js';
import { findStudy, notice, setCrumbs, setLive } from './layout.js';
import { studyOverview } from './overview.js';
import { CENTER_DEFAULTS, hashOf, parseRoute } from './route.js';
import { studyList } from './studies.js';

const root = document.getElementById('app')!;
let teardown: (() => void) | undefined;
let generation = 0;
/** Whether a view was shown already (the one-study shortcut applies to the first only). */
let visited = false;

async function show(): Promise<void> {
  const mine = ++generation;
  teardown?.();
  teardown = undefined;
  setLive('off');
  const route = parseRoute(location.hash);
  let studies: StudyListItem[];
  try {
    studies = await api.studies();
  } catch (e) {
    if (mine !== generation) return;
    setCrumbs();
    replace(root, notice('error', `Could not reach the dashboard’s server: ${(e as Error).message}`, h('p', {}, 'Is `trainkit dashboard` still running? Reload the page to try again.')));
    return;
  }
  if (mine !== generation) return;
  const first = !visited;
  visited = true;
  if (route.view === 'studies') {
    // Opened without an address and the store has one study: go straight to it.
    if (first && studies.length === 1 && route.unknown === undefined && (location.hash === '' || location.hash === '#')) {
      location.replace(hashOf({ view: 'center', study: studies[0].name, options: CENTER_DEFAULTS }));
      return;
    }
    studyList(root, studies, route.unknown);
    return;
  }
  const study = findStudy(studies, route.study);
  if (study instanceof HTMLElement) {
    setCrumbs([route.study]);
    replace(root, study);
    return;
  }
  if (route.view === 'center') teardown = commandCenter(root, study, route.options);
  else if (route.view === 'overview') teardown = studyOverview(root, study);
  else teardown = trialDetail(root, study, route.number);
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', () => void show());
void show();

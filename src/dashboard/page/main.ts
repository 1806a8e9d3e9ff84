/** The command-center page (a placeholder: lists the store's studies, as text). */
import type { StudyListItem } from '../api.js';

async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  const studies = (await (await fetch('/api/studies')).json()) as StudyListItem[];
  const list = document.createElement('ul');
  for (const s of studies) {
    const item = document.createElement('li');
    item.textContent = `${s.name}: ${s.trials.total} trials`;
    list.append(item);
  }
  app.replaceChildren(list);
}

void start();

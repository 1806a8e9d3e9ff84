// The page never parses store strings as HTML: no source under page/ uses an HTML sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.fixture.ts'));

test('no page module writes HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write, srcdoc)', () => {
  assert.ok(sources.includes('main.ts') && sources.length > 10, `found the page sources: ${sources.join(', ')}`);
  for (const file of sources) {
    const text = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'srcdoc', 'createContextualFragment', 'DOMParser', 'eval(', 'new Function'])
      assert.ok(!text.includes(sink), `${file} uses ${sink}`);
  }
});

test('the page template loads only its own assets and has no inline script', () => {
  const html = readFileSync(new URL('index.html', dir), 'utf8');
  assert.match(html, /<script src="\/assets\/app\.js" defer><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/assets\/app\.css">/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
  assert.match(html, /<link rel="icon" href="data:,">/, 'no favicon request (it would 404)');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline handlers');
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ASSET_NAME, PAGE_FILES, bundlePage, contentType, loadAssets } from './assets.js';

test('from sources, the page is bundled in memory: one minified script, the stylesheet, the html as written', async () => {
  const assets = await loadAssets();
  assert.deepEqual(Object.keys(assets).sort(), [...PAGE_FILES].sort());
  const js = String(assets['app.js']);
  assert.ok(js.length > 0);
  assert.doesNotMatch(js, /^\s*import\s|\bexport\s/m, 'no module syntax left: an IIFE');
  assert.doesNotMatch(js, /from '\.\.\/api\.js'/);
  assert.match(String(assets['index.html']), /<script src="\/assets\/app\.js"/);
  assert.equal(await loadAssets(), assets, 'bundled once per process');
});

test('CSS the script imports is appended to app.css; a page that does not bundle is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-page-'));
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><p>x</p>');
    writeFileSync(join(dir, 'app.css'), '@import "./base.css";\nbody { color: red }\n');
    writeFileSync(join(dir, 'base.css'), 'html { margin: 0 }\n');
    writeFileSync(join(dir, 'chart.css'), '.chart { width: 10px }\n');
    writeFileSync(join(dir, 'main.ts'), "import './chart.css';\nconst n: number = 2;\ndocument.title = String(n * 21);\n");
    const page = await bundlePage(dir);
    assert.equal(page['index.html'], '<!doctype html><p>x</p>');
    assert.match(page['app.js'], /document\.title=/);
    assert.match(page['app.css'], /html\{margin:0\}[\s\S]*body\{color:red\}[\s\S]*\.chart\{width:10px\}/);
    writeFileSync(join(dir, 'main.ts'), 'const x = ;\n');
    await assert.rejects(bundlePage(dir), /The dashboard's page does not bundle: main\.ts:1: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asset names are plain file names with a known type', () => {
  for (const ok of ['index.html', 'app.js', 'app.css', 'app.js.map', 'icon-32.png', 'uPlot.min.css']) assert.match(ok, ASSET_NAME, ok);
  for (const bad of ['../app.js', '.env', 'a/b.js', 'app', 'app.ts', 'x.js\0', 'a\\b.css', '', '.js']) assert.doesNotMatch(bad, ASSET_NAME, bad);
  assert.equal(contentType('app.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentType('index.html'), 'text/html; charset=utf-8');
});

test('the built package serves the page files the build wrote to dist/dashboard/page-dist/', async (t) => {
  const built = new URL('../../dist/dashboard/', import.meta.url);
  if (!existsSync(new URL('page-dist/app.js', built))) return t.skip('dist/ is not built (npm test builds it first)');
  const { loadAssets: loadBuilt } = (await import(new URL('assets.js', built).href)) as { loadAssets: typeof loadAssets };
  const assets = await loadBuilt();
  for (const name of PAGE_FILES) assert.ok(Buffer.from(assets[name] as Uint8Array).length > 0, name);
  assert.ok(assets['app.js'] instanceof Uint8Array, 'read from files, not bundled');
  assert.equal(Buffer.from(assets['index.html'] as Uint8Array).toString('utf8'), String((await loadAssets())['index.html']), fileURLToPath(built));
});

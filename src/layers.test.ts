import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers, readModules, relativeSpecifiers } from '../tools/layers.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)));

test('no module of src/ imports a higher layer, and no import cycle exists', () => {
  assert.deepEqual(checkLayers(root, readModules(root)), []);
});

test('the layer check reports an upward import and a cycle that are added', () => {
  const modules = readModules(root);
  const optim = modules.find((m) => m.file === join(root, 'optim', 'adam.ts'))!;
  optim.imports.push('../train/fit.js');
  const tree = modules.find((m) => m.file === join(root, 'tree', 'ops.ts'))!;
  tree.imports.push('./ops.js');
  const problems = checkLayers(root, modules);
  assert.ok(problems.some((p) => /^optim\/adam\.ts \(layer optim\) imports train\/fit\.ts \(layer train\), a higher layer$/.test(p)), problems.join('\n'));
  assert.ok(problems.includes('import cycle: tree/ops.ts -> tree/ops.ts'), problems.join('\n'));
});

test('relativeSpecifiers finds static, re-export, side-effect and dynamic imports, not comments', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs-core';",
    "import { a,\n  b } from './a.js';",
    "export { c } from '../c.js';",
    "export * from './d.js';",
    "import './e.js';",
    "const f = await import('./f.js');",
    "// import { g } from './g.js';",
    "/* import { h } from './h.js'; */",
  ].join('\n');
  assert.deepEqual(relativeSpecifiers(src).sort(), ['../c.js', './a.js', './d.js', './e.js', './f.js']);
});

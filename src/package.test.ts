// The public contract (the names examples and outside checks rely on), checked on the built package (npm test builds dist/ first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

test('package.json points exports, types and the trainkit bin at dist/', () => {
  assert.equal(pkg.name, 'trainkit');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.exports['.'].import, './dist/index.js');
  assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
  assert.equal(pkg.bin.trainkit, './dist/cli/main.js');
});

test('the built package root exports every name of the public contract', async () => {
  const root = await import(new URL('../dist/index.js', import.meta.url).href);
  const names = [
    'applyUpdates', 'chain', 'useBestBackend',
    'sgd', 'adagrad', 'rmsprop', 'adam', 'adamw',
    'constant', 'stepDecay', 'exponentialDecay', 'cosineDecay', 'linear', 'inverseSqrt', 'sgdr',
    'lbfgs', 'TrainkitError',
  ];
  for (const name of names) assert.equal(typeof root[name], 'function', `${name} is exported`);
});

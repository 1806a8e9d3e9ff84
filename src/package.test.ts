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
    'lbfgs', 'TrainkitError', 'diagnose', 'curvesOf',
  ];
  for (const name of names) assert.equal(typeof root[name], 'function', `${name} is exported`);
});

test('the package root keeps internals out and has one name per thing', async () => {
  const root = await import(new URL('../dist/index.js', import.meta.url).href);
  const internals = [
    'callHook', 'orderCallbacks', 'callbackStateKeys', 'renameStateKeys', 'checkStateStructure', 'checkNumber',
    'checkScalarOrSchedule', 'installFusedKernels', 'installWasmFixes', 'collectTensors', 'createMonitor',
    'evaluateWith', 'resolveLoss', 'resolveMetric', 'adaptModel', 'layerRngStates', 'bernoulliMask', 'seedFromName',
    'loadFashionMnist', 'ensembleClasses', 'ensembleLogProbabilities', 'predictLogProbabilities',
    'evaluateLogProbabilitySources', 'withLearningRateScale', 'commitFile', 'movingAverage', 'hasGradient',
  ];
  for (const name of internals) assert.equal(root[name], undefined, `${name} is not exported from the root`);
  for (const name of ['fashionMnist', 'ensemblePredict', 'evaluateEnsemble', 'fit', 'trainer', 'predict', 'evaluate', 'summary', 'imageFolder', 'isTrainkitError'])
    assert.equal(typeof root[name], 'function', `${name} is exported`);
});

test('each subpath entry resolves to its area, and its names are the root\'s', async () => {
  const root = await import(new URL('../dist/index.js', import.meta.url).href);
  for (const [sub, probe] of [['optim', 'adamw'], ['schedules', 'warmupCosine'], ['data', 'imageFolder'], ['train', 'fit']] as const) {
    assert.equal(pkg.exports[`./${sub}`].import, `./dist/${sub}/index.js`);
    const area = await import(new URL(`../dist/${sub}/index.js`, import.meta.url).href);
    assert.equal(typeof area[probe], 'function', `trainkit/${sub} exports ${probe}`);
    for (const name of Object.keys(area)) assert.equal(root[name], area[name], `trainkit/${sub}'s ${name} is the root's`);
  }
});

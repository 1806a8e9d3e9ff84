import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CENTER_DEFAULTS, hashOf, parseRoute, type Route } from './route.js';

test('every view has an address that reads back as the same view', () => {
  const routes: Route[] = [
    { view: 'studies' },
    { view: 'center', study: 'mnist', options: CENTER_DEFAULTS },
    { view: 'center', study: 'a/b c?d#e', options: { sort: 'value', states: ['running', 'pruned'], top: 10, beta: 0.9 } },
    { view: 'overview', study: '<img src=x onerror=alert(1)>' },
    { view: 'trial', study: 'études', number: 12 },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(hashOf(r)), r);
});

test('hashOf names a study URI-encoded and leaves default options out', () => {
  assert.equal(hashOf({ view: 'center', study: 'a b/c', options: CENTER_DEFAULTS }), '#/study/a%20b%2Fc');
  assert.equal(hashOf({ view: 'trial', study: 's', number: 3 }), '#/study/s/trial/3');
  assert.equal(hashOf({ view: 'center', study: 's', options: { ...CENTER_DEFAULTS, sort: 'value', top: 5 } }), '#/study/s?sort=value&top=5');
});

test('parseRoute reads bad options as defaults and unknown addresses as the study list', () => {
  const r = parseRoute('#/study/s?sort=bogus&state=running,nope,running&top=-2&beta=1.5');
  assert.deepEqual(r, { view: 'center', study: 's', options: { ...CENTER_DEFAULTS, states: ['running'] } });
  assert.deepEqual(parseRoute(''), { view: 'studies' });
  assert.deepEqual(parseRoute('#/'), { view: 'studies' });
  assert.deepEqual(parseRoute('#/nowhere'), { view: 'studies', unknown: '/nowhere' });
  assert.deepEqual(parseRoute('#/study/s/trial/x'), { view: 'studies', unknown: '/study/s/trial/x' });
  assert.deepEqual(parseRoute('#/study/%E0%A4%A'), { view: 'studies', unknown: '/study/%E0%A4%A' });
});

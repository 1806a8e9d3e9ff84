import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRoute } from './route.js';

test('routes match whole segments and decode path parameters once', () => {
  assert.deepEqual(matchRoute('/')?.route, { kind: 'page' });
  assert.deepEqual(matchRoute('/?study=x')?.route, { kind: 'page' });
  assert.deepEqual(matchRoute('/assets/app.js')?.route, { kind: 'asset', name: 'app.js' });
  assert.deepEqual(matchRoute('/api/studies')?.route, { kind: 'studies' });
  assert.deepEqual(matchRoute('/api/studies/a%2Fb%20c/trials')?.route, { kind: 'trials', study: 'a/b c' });
  assert.deepEqual(matchRoute('/api/studies/50%25/overview')?.route, { kind: 'overview', study: '50%' });
  assert.deepEqual(matchRoute('/api/studies/%2541/events')?.route, { kind: 'events', study: '%41' }, 'decoded once, not twice');
  assert.deepEqual(matchRoute('/api/studies/s/trials/12?points=5')?.route, { kind: 'trial', study: 's', number: 12 });
  assert.equal(matchRoute('/api/studies/s/trials/12?points=5')?.query.get('points'), '5');
  assert.deepEqual(matchRoute('/api/studies/%3Cimg%20src%3Dx%3E/trials')?.route, { kind: 'trials', study: '<img src=x>' });
});

test('dot segments, backslashes, NULs, empty segments and undecodable ones match nothing, however encoded', () => {
  for (const target of [
    '/assets/../app.js', '/assets/./app.js', '/assets/%2e%2e', '/assets/%2E', '/assets/.%2e', '/assets/%252e%252e',
    '/assets/%25252e%25252e', '/assets/a%2f..%2fb', '/assets/a%252f..%252fb', '/assets/..%5capp.js', '/assets/%255c', '/assets/a\\b',
    '/assets/app.js%00', '/assets/%2500', '/assets//app.js', '//assets/app.js', '/assets/%', '/assets/%zz', '/assets/%c0%ae%c0%ae',
    'assets/app.js', 'http://x/assets/app.js', '*', '', '/api/studies/%2e%2e/trials', '/api/studies/x%2f..%2f..%2fy/trials',
  ])
    assert.equal(matchRoute(target), undefined, target);
});

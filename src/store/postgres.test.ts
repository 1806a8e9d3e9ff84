import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { storeConcurrency } from './concurrency.fixture.js';
import { storeContract } from './contract.fixture.js';
import { StoreError } from './errors.js';
import { openStore } from './open.js';
import { testPostgres } from './postgres.fixture.js';
import { postgresStore } from './postgres.js';

// Fails this file (never skips) when no PostgreSQL can be reached or started.
const db = await testPostgres();
after(() => db.drop());

storeContract('postgres://', () => postgresStore(db.url));

test('an unreachable postgres URL gives StoreError naming the URL without its password', async () => {
  const url = 'postgres://trainkit:s3cret-pw@127.0.0.1:1/studies';
  await assert.rejects(openStore(url), (e: Error) => {
    assert.ok(e instanceof StoreError, String(e));
    assert.match(e.message, /postgres:\/\/trainkit:\*\*\*@127\.0\.0\.1:1\/studies/);
    assert.doesNotMatch(e.message, /s3cret/);
    return true;
  });
});

test('a malformed postgres URL gives InvalidArgumentError without its password', async () => {
  for (const url of ['postgres://trainkit:s3cret-pw@host:notaport/studies', 'postgres://trainkit:s3cret-pw@host:5432/'])
    await assert.rejects(openStore(url), (e: Error) => {
      assert.ok(e instanceof InvalidArgumentError, String(e));
      assert.match(e.message, /trainkit:\*\*\*@host/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
});

test('two stores opening a fresh database at once both migrate it without a race', async () => {
  const fresh = await testPostgres();
  try {
    const stores = await Promise.all(Array.from({ length: 6 }, () => postgresStore(fresh.url)));
    const study = await stores[0].createStudy({ name: 'race', direction: 'minimize' });
    assert.deepEqual(await stores[5].getStudy('race'), study);
    await Promise.all(stores.map((s) => s.close()));
  } finally {
    await fresh.drop();
  }
});

storeConcurrency('postgres://', testPostgres, 16, 200);

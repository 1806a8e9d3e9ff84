import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { storeConcurrency } from './concurrency.fixture.js';
import { storeContract } from './contract.fixture.js';
import { StoreError } from './errors.js';
import { openStore } from './open.js';
import { testPostgres } from './postgres.fixture.js';
import { postgresStore } from './postgres.js';
import pg from 'pg';

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

test('deleteStudy racing claims, reports and enqueues from other connections leaves no orphan row and no half-deleted study', async () => {
  const fresh = await testPostgres();
  const stores = await Promise.all(Array.from({ length: 5 }, () => postgresStore(fresh.url)));
  try {
    for (let round = 0; round < 4; round++) {
      const study = await stores[0].createStudy({ name: `doomed-${round}`, direction: 'minimize' });
      // Four writers claim, report and enqueue as fast as they can; the deleter strikes mid-way.
      let deleted = false;
      const outcomes = { claimed: 0, refused: 0 };
      const writer = async (store: (typeof stores)[number], w: number): Promise<void> => {
        for (let i = 0; !deleted || i < 3; i++) {
          try {
            const got = await store.claimTrial(study.id, { worker: `w${w}` });
            if (got === undefined) continue;
            outcomes.claimed++;
            await store.report(got.lease, 0, i);
            if (i % 3 === 0) await store.enqueueTrial(study.id, { x: i });
            await store.finishTrial(got.lease, 'complete', i);
          } catch (e) {
            // Every write after the delete is refused with a StoreError; nothing else may escape.
            assert.ok(e instanceof StoreError, `writer ${w}: ${(e as Error).message}`);
            outcomes.refused++;
            if (deleted) return;
          }
        }
      };
      const writers = stores.slice(1).map((s, w) => writer(s, w));
      await new Promise((r) => setTimeout(r, 30 + round * 20));
      await stores[0].deleteStudy(study.id);
      deleted = true;
      await Promise.all(writers);
      assert.ok(outcomes.claimed > 0 && outcomes.refused > 0, `round ${round}: writes landed before the delete and were refused after it (${JSON.stringify(outcomes)})`);
      assert.equal(await stores[0].getStudy(`doomed-${round}`), undefined);
    }
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const orphans = await client.query(
        `SELECT (SELECT COUNT(*) FROM trials WHERE study_id NOT IN (SELECT id FROM studies)) AS trials,
                (SELECT COUNT(*) FROM trial_params WHERE trial_id NOT IN (SELECT id FROM trials)) AS params,
                (SELECT COUNT(*) FROM trial_values WHERE trial_id NOT IN (SELECT id FROM trials)) AS values_`,
      );
      assert.deepEqual(orphans.rows[0], { trials: '0', params: '0', values_: '0' });
    } finally {
      await client.end();
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await fresh.drop();
  }
});

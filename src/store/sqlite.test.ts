import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { InvalidArgumentError } from '../errors.js';
import { storeConcurrency } from './concurrency.fixture.js';
import { storeContract } from './contract.fixture.js';
import { StoreError } from './errors.js';
import { openStore } from './open.js';
import { SCHEMA_VERSION } from './sql-schema.js';
import { sqliteStore } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite:', () => sqliteStore(`sqlite:${join(dir, `contract-${n++}.db`)}`));

storeConcurrency('sqlite:', async () => ({ url: `sqlite:${join(dir, `crowd-${n++}.db`)}`, drop: async () => undefined }), 8, 200);

test('reopening a sqlite store finds its studies and trials as they were', async () => {
  const url = `sqlite:${join(dir, `reopen-${n++}.db`)}`;
  const first = await sqliteStore(url);
  const study = await first.createStudy({ name: 'kept', direction: 'maximize' });
  const { lease } = (await first.claimTrial(study.id, { worker: 'w' }))!;
  await first.report(lease, 0, NaN);
  const done = await first.finishTrial(lease, 'complete', -Infinity);
  await first.close();
  const again = await openStore(url);
  try {
    assert.deepEqual(await again.getStudy('kept'), study);
    assert.deepEqual(await again.getTrials(study.id), [done]);
  } finally {
    await again.close();
  }
});

test('a database whose schema is newer than this trainkit is refused with StoreError', async () => {
  const path = join(dir, `future-${n++}.db`);
  await (await sqliteStore(`sqlite:${path}`)).close();
  const raw = new Database(path);
  raw.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION + 1);
  raw.close();
  await assert.rejects(sqliteStore(`sqlite:${path}`), (e: Error) => {
    assert.ok(e instanceof StoreError, String(e));
    assert.match(e.message, new RegExp(`version ${SCHEMA_VERSION + 1}, newer`));
    return true;
  });
});

test('a sqlite URL without a path is refused, and one in a missing directory gives StoreError naming it', async () => {
  await assert.rejects(openStore('sqlite:'), InvalidArgumentError);
  await assert.rejects(openStore(`sqlite:${join(dir, 'no', 'such', 'dir.db')}`), (e: Error) => e instanceof StoreError && e.message.includes(join(dir, 'no', 'such')));
});

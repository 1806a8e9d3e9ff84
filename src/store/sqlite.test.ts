import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeConcurrency } from './concurrency.fixture.js';
import { storeContract } from './contract.fixture.js';
import { sqliteStore } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite:', () => sqliteStore(`sqlite:${join(dir, `contract-${n++}.db`)}`));

storeConcurrency('sqlite:', async () => ({ url: `sqlite:${join(dir, `crowd-${n++}.db`)}`, drop: async () => undefined }), 8, 200);

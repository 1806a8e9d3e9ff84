/**
 * The claim loop on its own (no wasm, no threads), rebuilt from its source text exactly as a GEMM
 * worker rebuilds it: that text must stand alone, and every chunk of a posted job must run once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSED, CONTROL, claimChunks } from './gemm_claim.js';
import type { ChunkRunner } from './gemm_simd.js';

/** `claimChunks` as a worker gets it: from its source, in a scope that sees nothing of this module. */
const fromSource = new Function(`return ${claimChunks.toString()};`)() as typeof claimChunks;

const JOB = [100, 4, 400, 200, 32, 300, 32, 16, 100, 0, 8, 1, 4]; // GemmJob, byRows, size

function post(chunks: number): Int32Array {
  const ctl = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
  ctl.fill(-1, CONTROL.held, CONTROL.held + 8);
  ctl[CONTROL.crash] = -1;
  ctl.set(JOB, CONTROL.job);
  ctl[CONTROL.chunks] = chunks;
  ctl[CONTROL.next] = 0;
  return ctl;
}

test('the claim loop, rebuilt from its source text, runs every chunk of a posted job once, with the posted arguments', () => {
  const ctl = post(5);
  const calls: number[][] = [];
  const record: ChunkRunner = (...args) => void calls.push(args);
  fromSource(ctl, record, CONTROL, 3);
  assert.deepEqual(calls, [0, 1, 2, 3, 4].map((chunk) => [...JOB, chunk]));
  assert.equal(ctl[CONTROL.finished], 5);
  assert.equal(ctl[CONTROL.next], 5);
  assert.equal(ctl[CONTROL.held + 3], -1, 'holds no chunk when done');
});

test('the claim loop claims nothing from a closed job', () => {
  const ctl = post(5);
  ctl[CONTROL.next] = CLOSED;
  let runs = 0;
  fromSource(ctl, () => void runs++, CONTROL, 1);
  assert.equal(runs, 0);
  assert.equal(ctl[CONTROL.next], CLOSED);
});

test('a thread whose runner throws leaves the chunk in its held slot, uncounted', () => {
  const ctl = post(5);
  const failOnSecond: ChunkRunner = (...args) => {
    if (args[13] === 1) throw new Error('trap');
  };
  assert.throws(() => fromSource(ctl, failOnSecond, CONTROL, 2), /trap/);
  assert.equal(ctl[CONTROL.held + 2], 1);
  assert.equal(ctl[CONTROL.finished], 1);
});

test('the test hook makes the named thread throw on the chunk it claims, before running it', () => {
  const ctl = post(5);
  ctl[CONTROL.crash] = 4;
  let runs = 0;
  assert.throws(() => fromSource(ctl, () => void runs++, CONTROL, 4), /GEMM thread 4 stopped by the test hook, holding chunk 0/);
  assert.equal(runs, 0);
  assert.equal(ctl[CONTROL.held + 4], 0);
});

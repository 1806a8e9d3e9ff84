import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitFile, writeFileAtomic } from './atomic.js';

test('writeFileAtomic creates the directory, replaces the file whole and leaves no temporary file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-atomic-'));
  try {
    const path = join(dir, 'a', 'b', 'run.json');
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, [Buffer.from('{"v"'), Buffer.from(':2}')]);
    assert.equal(await readFile(path, 'utf8'), '{"v":2}');
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['run.json']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a write that cannot be committed leaves the old target and no temporary file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-atomic-'));
  try {
    // The target is a non-empty directory: rename(2) refuses to replace it.
    await mkdir(join(dir, 'target'));
    await writeFile(join(dir, 'target', 'keep'), 'x');
    await assert.rejects(writeFileAtomic(join(dir, 'target'), 'new'));
    assert.deepEqual((await readdir(dir)).sort(), ['target']);
    assert.equal(await readFile(join(dir, 'target', 'keep'), 'utf8'), 'x');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('commitFile moves a streamed temporary file over the target', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-atomic-'));
  try {
    await writeFile(join(dir, 'data.part'), 'payload');
    await writeFile(join(dir, 'data'), 'old');
    await commitFile(join(dir, 'data.part'), join(dir, 'data'));
    assert.equal(await readFile(join(dir, 'data'), 'utf8'), 'payload');
    assert.deepEqual(await readdir(dir), ['data']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// The README's TypeScript snippets, run as written: each ```ts block (except those whose first line
// says "not run") becomes a module inside the repository, where 'trainkit' resolves through the
// package's self-reference, and is imported here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => !/^[^\n]*not run/.test(b));

test('the README has runnable TypeScript snippets', () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length}`);
});

const dir = join(root, 'out', '.readme-test');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(root, 'out', 'readme-run'), { recursive: true, force: true });
});

/** What some snippets print, as their comments say (by the snippet's first code line). */
const EXPECT: Array<[RegExp, (printed: unknown[][]) => void]> = [
  [/^await useBestBackend/, ([[lr]]) => assert.ok(typeof lr === 'number' && lr > 0 && lr < 1e-2, `the last update's rate ${String(lr)}, below the peak`)],
  [/^\/\/ Two classes/, ([[step, acc]]) => {
    assert.equal(step, 20, '5 epochs of 4 batches');
    assert.ok(typeof acc === 'number' && acc > 0.9, `accuracy ${String(acc)} on a linearly separable task`);
  }],
  [/^const study = await createStudy/, ([[value, params]]) => {
    // The optimum is 0 at x = 2, lr = 1e-3, adam; 40 TPE trials with seed 1 reach 0.0104 (measured; TPE's draws are a pure function of the seed and the trials).
    assert.ok(typeof value === 'number' && value < 0.05, `best value ${String(value)}`);
    assert.equal((params as Record<string, unknown>).optimizer, 'adam');
  }],
];

blocks.forEach((code, i) => {
  const first = code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
  test(`README snippet ${i + 1} runs: ${first.slice(0, 70)}`, async () => {
    const file = join(dir, `snippet-${i + 1}.ts`);
    writeFileSync(file, `export {};\n${code}`);
    const logs: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void logs.push(args);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = log;
      process.chdir(cwd);
    }
    assert.ok(logs.length > 0, 'the snippet prints what it shows');
    for (const args of logs) for (const a of args) assert.notEqual(a, undefined, `snippet ${i + 1} printed undefined`);
    for (const [pattern, check] of EXPECT) if (pattern.test(first)) check(logs);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { main } from './main.js';

function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  return main(args, (s) => lines.push(s)).then((code) => ({ code, out: lines.join('\n') }));
}

test('augment-preview writes a PNG grid: a row per augmentation after the originals, a column per Fashion-MNIST image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-preview-'));
  try {
    const { code, out } = await run(['augment-preview', '--out', dir, '--count', '5', '--scale', '2']);
    assert.equal(code, 0);
    const legend = JSON.parse(readFileSync(join(dir, 'augment-preview.json'), 'utf8'));
    assert.equal(legend.rows[0], 'original');
    assert.ok(legend.rows.includes('cutmix') && legend.rows.includes('randomCrop padding 4'));
    const png = PNG.sync.read(readFileSync(join(dir, 'augment-preview.png')));
    // cells 28·2 px, 2 px gaps around and between
    assert.equal(png.width, 5 * (56 + 2) + 2);
    assert.equal(png.height, legend.rows.length * (56 + 2) + 2);
    assert.match(out, /augment-preview\.png: 12 rows/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('augment-preview reads a folder of RGB images (and adds PCA lighting), and refuses a bad --count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-preview-'));
  try {
    for (const [k, cls] of ['cats', 'dogs'].entries()) {
      mkdirSync(join(dir, 'data', cls), { recursive: true });
      for (let i = 0; i < 2; i++) {
        const png = new PNG({ width: 10, height: 8 });
        for (let p = 0; p < 80; p++) png.data.set([(p * 3 + 50 * k) % 256, (p * 7 + i * 40) % 256, 120, 255], p * 4);
        writeFileSync(join(dir, 'data', cls, `${i}.png`), PNG.sync.write(png));
      }
    }
    const { code } = await run(['augment-preview', '--dataset', join(dir, 'data'), '--out', join(dir, 'out'), '--count', '4', '--scale', '1']);
    assert.equal(code, 0);
    const legend = JSON.parse(readFileSync(join(dir, 'out', 'augment-preview.json'), 'utf8'));
    assert.ok(legend.rows.includes('pcaColor'));
    const png = PNG.sync.read(readFileSync(join(dir, 'out', 'augment-preview.png')));
    assert.equal(png.width, 4 * (64 + 2) + 2);
    assert.equal(png.height, legend.rows.length * (64 + 2) + 2);
    await assert.rejects(run(['augment-preview', '--count', '0']), /Invalid --count: 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

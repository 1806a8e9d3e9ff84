import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseCsv, readCsv } from './csv.js';

test('parseCsv reads numeric features and turns a text label column into sorted classes', () => {
  const ds = parseCsv('len,width,species\n1.5,2,virginica\n3,-4e-1,setosa\n\n5,6,virginica\n');
  assert.equal(ds.size, 3);
  assert.deepEqual(ds.xShape, [2]);
  assert.deepEqual([...ds.x], [1.5, 2, 3, Math.fround(-0.4), 5, 6]);
  assert.deepEqual(ds.yShape, []);
  assert.deepEqual([...ds.y], [1, 0, 1]);
  assert.deepEqual(ds.classNames, ['setosa', 'virginica']);
  assert.equal(ds.numClasses, 2);
});

test('parseCsv gives float targets for a numeric label unless told the label is categorical', () => {
  const reg = parseCsv('a,b,y\n1,2,0.5\n3,4,10\n');
  assert.deepEqual(reg.yShape, [1]);
  assert.ok(reg.y instanceof Float32Array);
  assert.deepEqual([...reg.y], [0.5, 10]);
  const cls = parseCsv('a,b,y\n1,2,10\n3,4,2\n5,6,10\n', { categorical: true });
  assert.deepEqual(cls.classNames, ['2', '10'], 'numeric class labels sort as numbers');
  assert.deepEqual([...cls.y], [1, 0, 1]);
});

test('parseCsv takes the label column by name or index, any delimiter, quoted cells and no header', () => {
  const ds = parseCsv('"kind";x;"y"\r\n"a;b";1;2\r\n"say ""hi""";3;4\r\n', { delimiter: ';', labelColumn: 'kind' });
  assert.deepEqual(ds.classNames, ['a;b', 'say "hi"']);
  assert.deepEqual([...ds.x], [1, 2, 3, 4]);
  const noHeader = parseCsv('0,1,2\n3,4,5\n', { header: false, labelColumn: 0, categorical: false });
  assert.deepEqual([...noHeader.y], [0, 3]);
  assert.deepEqual([...noHeader.x], [1, 2, 4, 5]);
  const none = parseCsv('p,q\n1,2\n', { labelColumn: null });
  assert.deepEqual(none.yShape, [0]);
  assert.deepEqual(none.xShape, [2]);
  const fixed = parseCsv('x,c\n1,dog\n2,cat\n', { classNames: ['dog', 'cat', 'bird'] });
  assert.deepEqual([...fixed.y], [0, 1]);
  assert.equal(fixed.numClasses, 3);
});

test('parseCsv names the line and column of a bad cell, a short row, a missing label or an unknown class', () => {
  assert.throws(() => parseCsv('a,b,c\n1,2,x\n1,zz,y\n'), /CSV: line 3, column 2 \(b\): "zz" is not a number/);
  assert.throws(() => parseCsv('a,b,c\n1,,x\n'), /line 2, column 2 \(b\): the cell is empty/);
  assert.throws(() => parseCsv('a,b,c\n1,2,x\n1,2\n'), /line 3 has 2 cells, expected 3/);
  assert.throws(() => parseCsv('a,b\n1,\n'), /line 2, column 2 \(b\): the label is missing/);
  assert.throws(() => parseCsv('x,c\n1,fish\n', { classNames: ['dog'] }), /line 2, column 2 \(c\): label "fish" is not one of the classNames/);
  assert.throws(() => parseCsv('a,b\n1,2\n', { labelColumn: 'zzz' }), /Invalid labelColumn: "zzz" \(expected one of \["a","b"\]\)/);
  assert.throws(() => parseCsv('a,b\n1,2\n', { delimiter: '::' }), /Invalid delimiter/);
  assert.throws(() => parseCsv('a,b\n"1,2\n'), /line 2: a quoted cell is never closed/);
  assert.throws(() => parseCsv('a,b\n1,NaN\n', { labelColumn: 0 }), /"NaN" is not a number/);
});

const IRIS = fileURLToPath(new URL('./fixtures/iris.csv', import.meta.url));
test('readCsv reads the committed iris.csv: 150 flowers, 4 features, 3 species of 50, every value in its place', async () => {
  const ds = await readCsv(IRIS, { header: true, categorical: true });
  assert.equal(ds.size, 150);
  assert.deepEqual(ds.xShape, [4]);
  assert.deepEqual(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual([...ds.x.subarray(0, 4)], [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  assert.deepEqual([...ds.x.subarray(149 * 4)], [5.9, 3.0, 5.1, 1.8].map(Math.fround));
  // Per-species sums of each measurement (from the CSV's decimal text, computed with Python):
  // a row dropped, shifted, mislabelled or misparsed would change at least one of them.
  const sums = [0, 1, 2].map(() => [0, 0, 0, 0]);
  const counts = [0, 0, 0];
  for (let i = 0; i < ds.size; i++) {
    counts[ds.y[i]]++;
    for (let j = 0; j < 4; j++) sums[ds.y[i]][j] += ds.x[i * 4 + j];
  }
  assert.deepEqual(counts, [50, 50, 50]);
  assert.deepEqual(sums.map((s) => s.map((v) => Math.round(v * 10) / 10)), [
    [250.3, 171.4, 73.1, 12.3],
    [296.8, 138.5, 213.0, 66.3],
    [329.4, 148.7, 277.6, 101.3],
  ]);
});

test('readCsv accepts CSV text in place of a path', async () => {
  const ds = await readCsv('a,b\n1,x\n2,y\n');
  assert.deepEqual(ds.classNames, ['x', 'y']);
});

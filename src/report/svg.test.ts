import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePlot, pathPlot } from './svg.js';

test('linePlot draws one path per series, names them in the legend and escapes text', () => {
  const svg = linePlot(
    [
      { name: 'sgd <lr=0.1>', points: [[0, 1], [1, 0.5], [2, 0.25]] },
      { name: 'adam', points: [[0, 1], [1, Number.NaN], [2, 0.1]] },
    ],
    { title: 'loss', logY: true },
  );
  assert.ok(svg.startsWith('<svg'));
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.ok(svg.includes('sgd &lt;lr=0.1&gt;'));
  // the NaN point breaks adam's line into two moves
  const adam = svg.split('<path ')[2];
  assert.equal((adam.match(/M/g) ?? []).length, 2);
  assert.ok(svg.includes('1e0'), 'log axis labels powers of ten');
});

test('pathPlot shades the landscape and draws each path', () => {
  const svg = pathPlot([{ name: 'gd', points: [[-1, 1], [0, 0.5], [1, 1]] }], {
    title: 'rosenbrock',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    xRange: [-2, 2],
    yRange: [-1, 3],
    optimum: [1, 1],
  });
  assert.ok((svg.match(/<rect /g) ?? []).length > 4000);
  assert.ok(svg.includes('★'));
  assert.ok(svg.includes('>gd</text>'));
});

test('linePlot draws scatters as dots, puts a log x axis in powers of ten and marks a vertical line', () => {
  const svg = linePlot(
    [
      { name: 'raw', style: 'scatter', opacity: 0.25, points: [[1e-5, 2], [1e-3, 1], [1e-1, Number.NaN], [0, 3]] },
      { name: 'smoothed', points: [[1e-5, 2], [1e-3, 1.2], [1e-1, 4]] },
    ],
    { title: 'lr find', logX: true, markers: [{ x: 1e-3, label: 'suggested 1e-3' }] },
  );
  // the NaN point and x = 0 (not on a log axis) are skipped: two dots
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
  assert.ok(svg.includes('fill-opacity="0.25"'));
  for (const e of ['1e-5', '1e-4', '1e-3', '1e-2', '1e-1']) assert.ok(svg.includes(`>${e}</text>`), e);
  assert.equal((svg.match(/class="marker"/g) ?? []).length, 1);
  assert.ok(svg.includes('suggested 1e-3'));
  // the marker sits where the point x = 1e-3 is drawn
  const markerX = /class="marker" x1="([\d.]+)"/.exec(svg)![1];
  const dot = /<circle cx="([\d.]+)"/g;
  const xs = [...svg.matchAll(dot)].map((mm) => mm[1]);
  assert.equal(markerX, xs[1]);
});

test('a y range at the float noise level of its values draws as flat instead of looping', () => {
  const svg = linePlot([{ name: 'a', points: [[16, 0.4175782799720764], [16, 0.41757827997207646]] }], { title: 't' });
  assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'));
});

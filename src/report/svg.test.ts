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

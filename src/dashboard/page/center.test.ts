import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardPoints } from './center.js';

test('a card’s curve gets about one point per pixel of its canvas', () => {
  // 1,400 px wide: 5 columns of 264 px cards, canvases 241 px.
  assert.equal(cardPoints(1400, 100), 241);
  // One column on a phone.
  assert.equal(cardPoints(400, 100), 337);
  // The grid stops growing at 1,600 px.
  assert.equal(cardPoints(3000, 100), cardPoints(1600, 100));
});

test('very large studies get fewer points a card, never fewer than 30', () => {
  assert.equal(cardPoints(1400, 1000), 241);
  assert.equal(cardPoints(1400, 2000), 150);
  assert.equal(cardPoints(1400, 10_000), 30);
  assert.equal(cardPoints(1400, 100_000), 30);
});

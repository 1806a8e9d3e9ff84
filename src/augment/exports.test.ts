import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as root from '../index.js';

test("the package root exports the augmentation contract's names and the penalties", () => {
  const names = [
    'flipLeftRight', 'flipUpDown', 'randomCrop', 'randomResizedCrop', 'resnetScaleCrop', 'colorJitter', 'pcaColor', 'fitPcaColor',
    'randomAffine', 'lensDistortion', 'cutout', 'mixup', 'cutmix', 'compose', 'randomApply', 'oneOf', 'randAugment', 'tta', 'tenCrop',
    'l2Penalty', 'l1Penalty', 'elasticNetPenalty',
  ];
  for (const name of names) assert.equal(typeof (root as Record<string, unknown>)[name], 'function', `${name} is exported`);
  for (const internal of ['selectImages', 'warpAffine', 'cropResize', 'routeImages', 'sampleBilinear', 'betaDraw', 'applyJitter'])
    assert.equal((root as Record<string, unknown>)[internal], undefined, `${internal} stays internal`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../engine/gradients.js';
import { adam, adamw, addDecayedWeights, chain, sgd } from '../optim/index.js';
import { decayMask } from '../optim/masked.js';
import { l2Penalty } from '../regularize/penalty.js';
import { fit, type FitOptions } from './fit.js';
import { blobs, functionalMlp } from './toy-fixtures.fixture.js';
import type { FunctionalModel } from './model.js';

await tf.setBackend('cpu');

const train = blobs(64, { seed: 3 });
const base = (): Omit<FitOptions, 'optimizer'> => ({ epochs: 2, batchSize: 16, seed: 1, verbose: 'silent', shuffle: true });
const leaves = (m: FunctionalModel): Record<string, number[]> =>
  Object.fromEntries(Object.entries(m.params as Record<string, tf.Tensor>).map(([k, t]) => [k, Array.from(t.dataSync())]));
const maxDiff = (a: Record<string, number[]>, b: Record<string, number[]>): number =>
  Math.max(...Object.keys(a).flatMap((k) => a[k].map((v, i) => Math.abs(v - b[k][i]))));
const free = (...ms: FunctionalModel[]): void => ms.forEach((m) => tf.dispose(Object.values(m.params as Record<string, tf.Tensor>)));

test('under plain SGD, L2 in the loss (λ·ΣW²) equals decoupled weight decay 2λ, bit for bit', async () => {
  const [lr, lambda] = [0.1, 0.01];
  const inLoss = functionalMlp();
  const decoupled = functionalMlp();
  await fit(inLoss, { train }, { ...base(), optimizer: sgd({ learningRate: lr }), penalty: l2Penalty({ lambda }) });
  await fit(decoupled, { train }, { ...base(), optimizer: chain(addDecayedWeights(2 * lambda, { mask: decayMask }), sgd({ learningRate: lr })) });
  const d = maxDiff(leaves(inLoss), leaves(decoupled));
  // λ·(2W) and (2λ)·W differ only by a power of two: on the cpu backend the weights agree bit for bit.
  assert.equal(d, 0, `max difference ${d}`);
  const none = functionalMlp();
  await fit(none, { train }, { ...base(), optimizer: sgd({ learningRate: lr }) });
  assert.ok(maxDiff(leaves(none), leaves(inLoss)) > 1e-4, 'the penalty acts');
  free(inLoss, decoupled, none);
});

test("under Adam, L2 in the loss is Adam's coupled weight decay and differs from AdamW's decoupled decay", async () => {
  const [lr, lambda] = [0.01, 0.05];
  const all = (): boolean => true;
  const inLoss = functionalMlp();
  const coupled = functionalMlp();
  const decoupled = functionalMlp();
  await fit(inLoss, { train }, { ...base(), optimizer: adam({ learningRate: lr }), penalty: l2Penalty({ lambda, mask: all }) });
  await fit(coupled, { train }, { ...base(), optimizer: adam({ learningRate: lr, weightDecay: 2 * lambda }) });
  await fit(decoupled, { train }, { ...base(), optimizer: adamw({ learningRate: lr, weightDecay: 2 * lambda }) });
  const same = maxDiff(leaves(inLoss), leaves(coupled));
  const apart = maxDiff(leaves(inLoss), leaves(decoupled));
  assert.ok(same < 1e-5, `L2 in the loss vs adam's weightDecay: ${same}`);
  assert.ok(apart > 1e-3, `L2 in the loss vs adamw: ${apart}`);
  free(inLoss, coupled, decoupled);
});

test('fit refuses a penalty that is not a function, by name', async () => {
  const m = functionalMlp();
  await assert.rejects(fit(m, { train }, { ...base(), optimizer: sgd({ learningRate: 0.1 }), penalty: 0.1 as never }), /Invalid penalty: 0\.1/);
  free(m);
});

// Augmentation throughput on the active backend: flip + padded crop + colour jitter + cutout on
// 32×32×3 batches of 128 (CIFAR's training pipeline), images per second, host draws included.
//   node --conditions=trainkit-source --import tsx bench/augment.ts
import * as tf from '@tensorflow/tfjs-core';
import { Rng, colorJitter, compose, cutout, flipLeftRight, randomCrop, useBestBackend, type Augmentation } from 'trainkit';

const backend = await useBestBackend();
const x = tf.randomUniform([128, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const y = tf.zeros([128], 'int32');
const rng = new Rng(0);
const stages: Record<string, Augmentation> = {
  flipLeftRight: flipLeftRight(),
  'randomCrop 32 pad 4': randomCrop({ size: [32, 32], padding: 4 }),
  colorJitter: colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
  'cutout 16': cutout({ size: 16 }),
};
stages.pipeline = compose(...Object.values(stages));
for (const [name, aug] of Object.entries(stages)) {
  const once = async (): Promise<void> => {
    const out = aug({ x, y }, rng);
    await out.x.data();
    if (out.x !== x) out.x.dispose();
  };
  for (let i = 0; i < 3; i++) await once();
  const n = 30;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once();
  const ms = (performance.now() - t0) / n;
  console.log(`${backend}\t${name}\t${ms.toFixed(2)} ms/batch\t${Math.round((128 * 1000) / ms)} images/s`);
}

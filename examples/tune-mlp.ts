/**
 * A hyperparameter search over the Fashion-MNIST MLP: the learning rate, the width and the weight
 * decay, each trial trained for a few epochs on a 5,000-image subset and scored by its validation
 * loss; the study's pruner may stop a trial after any epoch (`tuneReport`).
 *
 *   npm run trainkit -- tune examples/tune-mlp.ts --trials 20 --workers 2          (sqlite:./trainkit.db)
 *   npm run trainkit -- worker examples/tune-mlp.ts                                (one more worker, any machine)
 *   npm run trainkit -- tune examples/tune-mlp.ts --storage memory: --trials 4     (one process, nothing kept)
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { TrialPruned, adamw, defineTune, fashionMnist, fit, trainValidationSplit, tuneReport } from 'trainkit';

// Loaded once per worker process, when the file is imported.
const all = await fashionMnist({ split: 'train', layout: 'flat', limit: 5000 });
const { train, validation } = trainValidationSplit(all, { validationFraction: 0.2, seed: 0, stratify: true });

export default defineTune({
  direction: 'minimize',
  async objective(trial) {
    const learningRate = await trial.suggestFloat('lr', 1e-4, 3e-2, { log: true });
    const units = await trial.suggestInt('units', 32, 512, { log: true });
    const weightDecay = await trial.suggestFloat('weightDecay', 1e-6, 1e-2, { log: true });
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units, activation: 'relu', inputShape: [784], kernelInitializer: tfl.initializers.heNormal({ seed: 1 }) }),
        tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 2 }) }),
      ],
    });
    try {
      const report = tuneReport(trial, { monitor: 'val_loss' });
      const history = await fit(model, { train, validation }, {
        optimizer: adamw({ learningRate, weightDecay }),
        epochs: 4,
        batchSize: 128,
        verbose: 'silent',
        callbacks: [report],
      });
      if (report.pruned) throw new TrialPruned();
      return history.epochs.at(-1)!.logs.val_loss;
    } finally {
      model.dispose();
    }
  },
});

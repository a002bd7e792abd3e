// The overfitting experiment: a wide MLP trained on few images, plain and with two regularisers,
// watching the gap between its accuracy on the images it trained on and on images it never saw.
import { evaluate, fit, manualSeed, nn, optim } from 'simdgrad';

/** The runs compared, in the order the tables show them. */
export const RUNS = {
  plain: { label: 'plain', dropout: 0, weightDecay: 0 },
  dropout: { label: 'dropout 0.5', dropout: 0.5, weightDecay: 0 },
  weightDecay: { label: 'weight decay 0.01', dropout: 0, weightDecay: 0.01 },
};

/**
 * 784 → hidden[0] → hidden[1] … → 10 with ReLU, and nn.Dropout(p) after each hidden layer when p > 0.
 * Dropout draws nothing at construction, so the same seed gives every run the same initial weights.
 */
export function wideMlp({ hidden = [512, 512], dropout = 0, seed = 0 } = {}) {
  manualSeed(seed);
  const layers = [];
  let inFeatures = 784;
  for (const width of hidden) {
    layers.push(new nn.Linear(inFeatures, width), new nn.ReLU());
    if (dropout > 0) layers.push(new nn.Dropout(dropout));
    inFeatures = width;
  }
  layers.push(new nn.Linear(inFeatures, 10));
  return new nn.Sequential(...layers);
}

/**
 * Trains one of RUNS with Adam and returns, per epoch, the loss and accuracy on the training
 * images and on the test images, and the gap between the two accuracies. Both are measured
 * after the epoch in evaluation mode (dropout off), so they compare the same model.
 */
export async function trainAndWatchGap(runName, { train, test, hidden, epochs = 30, lr = 1e-3, batchSize = 64, seed = 0, onEpochEnd }) {
  const run = RUNS[runName];
  if (!run) throw new Error(`run must be one of ${Object.keys(RUNS).join(', ')}, got '${runName}'`);
  const model = wideMlp({ hidden, dropout: run.dropout, seed });
  const epochsLog = [];
  const measureTrainingSet = ({ epoch, valLoss, valAccuracy }) => {
    const onTrain = evaluate(model, { ...train, batchSize: 500 }, { metrics: ['accuracy'] });
    const entry = { epoch, trainLoss: onTrain.loss, trainAccuracy: onTrain.accuracy, testLoss: valLoss, testAccuracy: valAccuracy, gap: onTrain.accuracy - valAccuracy };
    epochsLog.push(entry);
    onEpochEnd?.(entry);
  };
  await fit(model, {
    train: { ...train, batchSize, shuffle: true },
    validation: { ...test, batchSize: 1000 },
    epochs,
    optimizer: new optim.Adam(model.parameters(), { lr, weightDecay: run.weightDecay }),
    metrics: ['accuracy'],
    callbacks: [{ onEpochEnd: measureTrainingSet }],
  });
  model.dispose();
  return epochsLog;
}

/** The numbers of the final table: best test accuracy (and when), and where the run ended. */
export function summarize(epochsLog) {
  const best = epochsLog.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  const final = epochsLog[epochsLog.length - 1];
  return {
    bestTestAccuracy: best.testAccuracy,
    bestEpoch: best.epoch,
    lowestTestLoss: Math.min(...epochsLog.map((e) => e.testLoss)),
    finalTrainAccuracy: final.trainAccuracy,
    finalTestAccuracy: final.testAccuracy,
    finalTestLoss: final.testLoss,
    gap: final.gap,
  };
}

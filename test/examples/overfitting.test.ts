import { beforeAll, describe, expect, it } from 'vitest';
import { firstRows, loadFlatFashionMnist } from '../../examples/lib/fashion-mnist.mjs';
import { RUNS, summarize, trainAndWatchGap, wideMlp } from '../../examples/lib/overfitting.mjs';

// The experiment of examples/overfitting.mjs, scaled down to seconds: a 784-256-256-10 MLP
// trained for 30 epochs on 300 real Fashion-MNIST images, tested on 500 others.
type EpochLog = { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number; gap: number };
const logs: Record<string, EpochLog[]> = {};

beforeAll(async () => {
  const data = await loadFlatFashionMnist();
  const train = firstRows(data.train, 300);
  const test = firstRows(data.test, 500);
  for (const run of Object.keys(RUNS)) logs[run] = await trainAndWatchGap(run, { train, test, hidden: [256, 256], epochs: 30, seed: 0 });
}, 120_000);

describe('wideMlp', () => {
  it('puts nn.Dropout after each hidden layer only when asked', () => {
    const plain = wideMlp({ hidden: [32, 16] });
    const dropout = wideMlp({ hidden: [32, 16], dropout: 0.5 });
    expect(plain.children().map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']);
    expect(dropout.children().map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear', 'ReLU', 'Dropout', 'Linear']);
    expect(dropout.parameters().map((p) => p.shape)).toEqual([[32, 784], [32], [16, 32], [16], [10, 16], [10]]);
    expect(dropout.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(plain.parameters().map((p) => Array.from(p.toFloat32Array())));
    plain.dispose();
    dropout.dispose();
  });
});

describe('a wide MLP on 300 training images', () => {
  it('logs the training and test loss and accuracy, and their gap, after every epoch', () => {
    const plain = logs.plain!;
    expect(plain.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const e of plain) expect(e.gap).toBeCloseTo(e.trainAccuracy - e.testAccuracy, 12);
    expect(plain[29]!.trainLoss).toBeLessThan(plain[0]!.trainLoss / 5);
  });

  it('overfits without regularisation: near 100 % on its training images, far lower on new ones', () => {
    const plain = summarize(logs.plain!);
    expect(plain.finalTrainAccuracy).toBeGreaterThan(0.95);
    expect(plain.finalTestAccuracy).toBeGreaterThan(0.65);
    expect(plain.gap).toBeGreaterThan(0.15);
    // Its test loss turns around and climbs while its training loss keeps falling.
    expect(plain.finalTestLoss).toBeGreaterThan(plain.lowestTestLoss + 0.04);
  });

  it('overfits less with dropout: a gap several points narrower and a test loss that stays down', () => {
    const plain = summarize(logs.plain!);
    const dropout = summarize(logs.dropout!);
    expect(dropout.gap).toBeLessThan(plain.gap - 0.03);
    expect(dropout.finalTestLoss - dropout.lowestTestLoss).toBeLessThan(plain.finalTestLoss - plain.lowestTestLoss);
  });

  it('overfits less with weight decay: lower training accuracy and a narrower gap', () => {
    const plain = summarize(logs.plain!);
    const weightDecay = summarize(logs.weightDecay!);
    expect(weightDecay.finalTrainAccuracy).toBeLessThan(plain.finalTrainAccuracy);
    expect(weightDecay.gap).toBeLessThan(plain.gap);
  });
});

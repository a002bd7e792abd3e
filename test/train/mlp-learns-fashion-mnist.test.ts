import { beforeAll, describe, expect, it } from 'vitest';
import { F, evaluate, fit, manualSeed, nn, optim, type Tensor } from 'simdgrad';
import { firstRows } from '../../examples/lib/fashion-mnist.mjs';
import { loadFashionMnist } from 'simdgrad/node';

// The committed subset: 6,000 training and 1,000 test images of real Fashion-MNIST.
let trainX: Tensor;
let trainY: Int32Array;
let testX: Tensor;
let testY: Int32Array;

beforeAll(async () => {
  const data = await loadFashionMnist({ source: 'subset' });
  trainX = data.train.images.reshape(-1, 784);
  trainY = data.train.labels;
  testX = data.test.images.reshape(-1, 784);
  testY = data.test.labels;
});

function mlp(): nn.Sequential {
  manualSeed(0);
  return new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
}

async function train(optimizer: (params: Tensor[]) => optim.Optimizer, options: { samples: number; batchSize: number; epochs: number }) {
  const model = mlp();
  const test = { x: testX, y: testY, batchSize: 500 };
  const before = evaluate(model, test, { metrics: ['accuracy'] });
  const history = await fit(model, {
    train: { ...firstRows({ x: trainX, y: trainY }, options.samples), batchSize: options.batchSize, shuffle: true },
    epochs: options.epochs,
    optimizer: optimizer(model.parameters()),
    loss: F.crossEntropy,
  });
  const after = evaluate(model, test, { metrics: ['accuracy'] });
  return { before: before.accuracy!, after: after.accuracy!, firstLoss: history[0]!.loss, lastLoss: history[history.length - 1]!.loss };
}

describe('a 784-256-128-10 MLP learns Fashion-MNIST', () => {
  it('with Adam (lr 1e-3, batch 64)', async () => {
    const run = await train((p) => new optim.Adam(p, { lr: 1e-3 }), { samples: 6000, batchSize: 64, epochs: 2 });
    expect(run.before).toBeLessThan(0.3);
    expect(run.after).toBeGreaterThan(0.75);
    expect(run.lastLoss).toBeLessThan(run.firstLoss);
  });

  it('with mini-batch SGD and momentum (lr 0.01, momentum 0.9, batch 64)', async () => {
    const run = await train((p) => new optim.SGD(p, { lr: 0.01, momentum: 0.9 }), { samples: 6000, batchSize: 64, epochs: 3 });
    expect(run.after).toBeGreaterThan(0.7);
    expect(run.lastLoss).toBeLessThan(run.firstLoss);
  });

  it('with stochastic gradient descent (batch size 1)', async () => {
    const run = await train((p) => new optim.SGD(p, { lr: 0.01 }), { samples: 3000, batchSize: 1, epochs: 1 });
    expect(run.after).toBeGreaterThan(0.65);
  });

  it('with full-batch gradient descent (every step sees all 2,000 training images)', async () => {
    const run = await train((p) => new optim.SGD(p, { lr: 0.2 }), { samples: 2000, batchSize: 2000, epochs: 60 });
    expect(run.after).toBeGreaterThan(0.55);
    expect(run.lastLoss).toBeLessThan(0.6 * run.firstLoss);
  });
});

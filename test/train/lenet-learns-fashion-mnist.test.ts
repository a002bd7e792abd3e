import { describe, expect, it } from 'vitest';
import { F, evaluate, fit, manualSeed, nn, optim } from 'simdgrad';
import { firstRows } from '../../examples/lib/fashion-mnist.mjs';
import { loadFashionMnist } from 'simdgrad/node';

// The LeNet of docs/workloads.md W3 on the committed Fashion-MNIST subset.
function lenet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 10),
  );
}

describe('a LeNet CNN learns Fashion-MNIST', () => {
  it('reaches clearly-better-than-chance test accuracy after one epoch on 3,000 images', async () => {
    manualSeed(3);
    const data = await loadFashionMnist({ source: 'subset' });
    const train = firstRows({ x: data.train.images, y: data.train.labels }, 3000);
    const test = { x: data.test.images, y: data.test.labels, batchSize: 500 };
    const model = lenet();
    const before = evaluate(model, test, { metrics: ['accuracy'] });
    const history = await fit(model, {
      train: { ...train, batchSize: 64, shuffle: true },
      epochs: 1,
      optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
      loss: F.crossEntropy,
    });
    const after = evaluate(model, test, { metrics: ['accuracy'] });
    expect(before.accuracy).toBeLessThan(0.3);
    expect(after.accuracy).toBeGreaterThan(0.6);
    expect(after.loss).toBeLessThan(before.loss);
    expect(history[0]!.loss).toBeLessThan(2);
  });
});

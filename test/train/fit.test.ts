import { describe, expect, it } from 'vitest';
import { EarlyStopping, F, evaluate, fit, manualSeed, nn, noGrad, optim, predict, randn, tensor, type EpochLogs } from 'simdgrad';

// Two well-separated Gaussian blobs: a task any working training loop solves.
function blobs(n: number) {
  manualSeed(7);
  const x = randn([n, 2]).toFloat32Array();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] += y[i] ? 3 : -3;
  }
  return { x: tensor(x, [n, 2]), y };
}

const classifier = () => new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));

/** The classifier, with every forward pass taking at least `ms` of busy time. */
function slowModel(ms: number) {
  const model = classifier();
  const forward = model.forward.bind(model);
  model.forward = (x) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return forward(x);
  };
  return model;
}

describe('fit', () => {
  it('trains from { x, y } arrays and logs loss, accuracy and validation per epoch', async () => {
    const train = blobs(256);
    const model = classifier();
    const history = await fit(model, {
      train: { ...train, batchSize: 32 },
      validation: { ...blobs(64) },
      epochs: 4,
      optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
      metrics: ['accuracy'],
    });
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(history[3]!.loss).toBeLessThan(history[0]!.loss);
    expect(history[3]!.accuracy).toBeGreaterThan(0.95);
    expect(history[3]!.valAccuracy).toBeGreaterThan(0.95);
    expect(history[3]!.samplesPerSecond).toBeGreaterThan(0);
  });

  it('calls every callback hook in order', async () => {
    const model = classifier();
    const events: string[] = [];
    await fit(model, {
      train: { ...blobs(20), batchSize: 10 },
      epochs: 2,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      callbacks: [{
        onTrainBegin: () => void events.push('begin'),
        onEpochBegin: (e) => void events.push(`epoch ${e}`),
        onBatchEnd: (b) => void events.push(`batch ${b.batch}/${b.batches}`),
        onEpochEnd: (l) => void events.push(`end ${l.epoch}`),
        onTrainEnd: (h) => void events.push(`done ${h.length}`),
      }],
    });
    expect(events).toEqual(['begin', 'epoch 1', 'batch 1/2', 'batch 2/2', 'end 1', 'epoch 2', 'batch 1/2', 'batch 2/2', 'end 2', 'done 2']);
  });

  it('stops early when the monitored value stops improving', async () => {
    const model = classifier();
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 1 });
    const flatLoss = () => tensor(1, [], { requiresGrad: true });
    const history: EpochLogs[] = await fit(model, {
      train: { ...blobs(16), batchSize: 16 },
      epochs: 10,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      loss: flatLoss,
      callbacks: [stopper],
    });
    expect(history.length).toBe(3);
    expect(stopper.stoppedEpoch).toBe(3);
  });

  it('leaves batches from the caller\'s own iterable alive', async () => {
    const model = classifier();
    const { x, y } = blobs(8);
    await fit(model, { train: [[x, y]], epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) });
    expect(x.isDisposed).toBe(false);
  });

  it('yields to the event loop during training and validation, so timers and messages run meanwhile', async () => {
    const model = slowModel(5);
    let batches = 0;
    let epochEnded = false;
    const ticks: string[] = [];
    const timer = setInterval(() => ticks.push(epochEnded ? 'after' : batches < 40 ? 'training' : 'validation'), 0);
    try {
      await fit(model, {
        train: { ...blobs(40), batchSize: 1 },
        validation: { ...blobs(40), batchSize: 1 },
        epochs: 1,
        optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
        callbacks: [{ onBatchEnd: () => void batches++, onEpochEnd: () => void (epochEnded = true) }],
      });
    } finally {
      clearInterval(timer);
    }
    // 40 batches of 5 ms each way: a yield about every 30 ms lets the timer in several times in each.
    expect(ticks.filter((t) => t === 'training').length).toBeGreaterThanOrEqual(3);
    expect(ticks.filter((t) => t === 'validation').length).toBeGreaterThanOrEqual(3);
  });

  it('reports the running accuracy of the epoch with every batch when asked for accuracy', async () => {
    const model = classifier();
    const accuracies: (number | undefined)[] = [];
    const history = await fit(model, {
      train: { ...blobs(40), batchSize: 10, shuffle: false },
      epochs: 1,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      metrics: ['accuracy'],
      callbacks: [{ onBatchEnd: (b) => void accuracies.push(b.accuracy) }],
    });
    expect(accuracies).toHaveLength(4);
    for (const accuracy of accuracies) expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracies[3]).toBeCloseTo(history[0]!.accuracy!, 6);
  });

  it('refuses inputs and labels of different lengths', async () => {
    const model = classifier();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    await expect(fit(model, { train: { x: randn([10, 2]), y: new Int32Array(9) }, epochs: 1, optimizer: opt }))
      .rejects.toThrow(/fit: x has 10 samples \(shape \[10, 2\]\) but y has 9/);
    await expect(fit(model, { train: [[randn([4, 2]), new Int32Array(3)]], epochs: 1, optimizer: opt }))
      .rejects.toThrow(/fit: a batch has 4 inputs \(shape \[4, 2\]\) but 3 labels/);
    await expect(fit(model, { train: [], epochs: 0, optimizer: opt })).rejects.toThrow(/epochs must be a positive integer, got 0/);
  });
});

describe('evaluate and predict', () => {
  it('evaluate gives the mean loss over all batches, in eval mode', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.9));
    const { x, y } = blobs(50);
    const whole = noGrad(() => { model.eval(); const l = F.crossEntropy(model.forward(x), y).item(); model.train(); return l; });
    const result = evaluate(model, { x, y, batchSize: 7 }, { metrics: ['accuracy'] });
    expect(result.loss).toBeCloseTo(whole, 5);
    expect(result.samples).toBe(50);
    expect(model.training).toBe(true);
  });

  it('predict returns the model output for every row, batch by batch', () => {
    const model = classifier();
    const { x } = blobs(37);
    const all = predict(model, x, { batchSize: 8 });
    const direct = noGrad(() => model.forward(x));
    expect(all.shape).toEqual([37, 2]);
    expect(Array.from(all.toFloat32Array())).toEqual(Array.from(direct.toFloat32Array()));
  });
});

#!/usr/bin/env node
// A 784-256-128-10 MLP learning Fashion-MNIST four ways: full-batch gradient descent,
// stochastic gradient descent (batch size 1), mini-batch SGD with momentum, and Adam.
//
//   node examples/mlp-fashion-mnist.mjs --method adam --epochs 5          (full set when installed)
//   node examples/mlp-fashion-mnist.mjs --method sgd --subset --epochs 1
import { parseArgs } from 'node:util';
import { F, evaluate, fit, init, manualSeed, memory, nn, optim } from 'simdgrad';
import { EPOCH_HEADER, epochRow, percent } from './lib/format.mjs';
import { loadFashionMnist, progressCallback } from 'simdgrad/node';
import { firstRows } from './lib/fashion-mnist.mjs';

const METHODS = {
  fullbatch: { describe: 'full-batch gradient descent', batchSize: Infinity, lr: 0.2, optimizer: (params, lr) => new optim.SGD(params, { lr }) },
  sgd: { describe: 'stochastic gradient descent (batch size 1)', batchSize: 1, lr: 0.01, optimizer: (params, lr) => new optim.SGD(params, { lr }) },
  momentum: { describe: 'mini-batch SGD with momentum 0.9', batchSize: 64, lr: 0.01, optimizer: (params, lr) => new optim.SGD(params, { lr, momentum: 0.9 }) },
  adam: { describe: 'Adam', batchSize: 64, lr: 1e-3, optimizer: (params, lr) => new optim.Adam(params, { lr }) },
};

const { values: args } = parseArgs({
  options: {
    method: { type: 'string', default: 'adam' },
    epochs: { type: 'string', default: '5' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    data: { type: 'string' },
    subset: { type: 'boolean', default: false },
    'train-limit': { type: 'string' },
    seed: { type: 'string', default: '0' },
    quiet: { type: 'boolean', default: false },
  },
});

const method = METHODS[args.method];
if (!method) throw new Error(`--method must be one of ${Object.keys(METHODS).join(', ')}`);
await init();
manualSeed(Number(args.seed));
const dataset = await loadFashionMnist({ dir: args.data, source: args.subset ? 'subset' : 'auto' });
const limit = args['train-limit'] ? Number(args['train-limit']) : dataset.train.labels.length;
const fullTrain = { x: dataset.train.images.reshape(-1, 784), y: dataset.train.labels };
const train = limit < fullTrain.y.length ? firstRows(fullTrain, limit) : fullTrain;
const test = { x: dataset.test.images.reshape(-1, 784), y: dataset.test.labels, batchSize: 1000 };
const batchSize = Number(args['batch-size'] ?? Math.min(method.batchSize, train.y.length));
const lr = Number(args.lr ?? method.lr);
const epochs = Number(args.epochs);

const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
const optimizer = method.optimizer(model.parameters(), lr);

console.log(`Fashion-MNIST (${dataset.source}): ${train.y.length} training and ${test.y.length} test images`);
console.log(`MLP 784-256-128-10, ${method.describe}, lr ${lr}, batch ${batchSize}, ${epochs} epoch(s)\n`);
console.log(EPOCH_HEADER);
const history = await fit(model, {
  train: { ...train, batchSize, shuffle: true },
  validation: test,
  epochs,
  optimizer,
  loss: F.crossEntropy,
  metrics: ['accuracy'],
  callbacks: [
    ...(args.quiet || batchSize >= train.y.length ? [] : [progressCallback({ epochs })]),
    { onEpochEnd: (logs) => console.log(epochRow(logs)) },
  ],
});
const final = evaluate(model, test, { metrics: ['accuracy'] });
console.log(`\nfinal test accuracy ${percent(final.accuracy, 2)}  (live tensors ${memory().tensors}, ${(memory().bytes / 1048576).toFixed(1)} MiB in use)`);
if (history.length === 0) process.exitCode = 1;


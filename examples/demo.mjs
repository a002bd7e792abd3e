#!/usr/bin/env node
// The main demo: a LeNet-style CNN (or an MLP) learns Fashion-MNIST, with progress, per-epoch
// train/test loss and accuracy, a confusion matrix, and the weights saved at the end.
//
//   npm run demo                                  committed subset, or the full set when installed
//   npm run demo -- --epochs 5 --model lenet --optimizer adam --lr 1e-3 --batch-size 64
//   npm run demo -- --data /path/to/fashion-mnist --save weights.safetensors
import { parseArgs } from 'node:util';
import { F, confusionMatrix, evaluate, fit, init, manualSeed, memory, nn, optim, predict } from 'simdgrad';
import { EPOCH_HEADER, epochRow, percent } from './lib/format.mjs';
import { loadFashionMnist, progressCallback, saveWeights } from 'simdgrad/node';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'lenet' },
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '1e-3' },
    optimizer: { type: 'string', default: 'adam' },
    data: { type: 'string' },
    subset: { type: 'boolean', default: false },
    save: { type: 'string', default: 'fashion-mnist-model.safetensors' },
    seed: { type: 'string', default: '0' },
  },
});

const MODELS = {
  lenet: () => new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 10),
  ),
  mlp: () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10)),
};
const OPTIMIZERS = {
  adam: (params, lr) => new optim.Adam(params, { lr }),
  adamw: (params, lr) => new optim.AdamW(params, { lr }),
  sgd: (params, lr) => new optim.SGD(params, { lr, momentum: 0.9 }),
  rmsprop: (params, lr) => new optim.RMSprop(params, { lr }),
};
const choose = (table, key, flag) => table[key] ?? fail(`--${flag} must be one of ${Object.keys(table).join(', ')}, got '${key}'`);

await init();
manualSeed(Number(args.seed));
const makeModel = choose(MODELS, args.model, 'model');
const makeOptimizer = choose(OPTIMIZERS, args.optimizer, 'optimizer');
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const lr = Number(args.lr);

const data = await loadFashionMnist({ dir: args.data, source: args.subset ? 'subset' : 'auto' });
const train = { x: data.train.images, y: data.train.labels, batchSize, shuffle: true };
const test = { x: data.test.images, y: data.test.labels, batchSize: 500 };
const model = makeModel();

console.log(`simdgrad demo: Fashion-MNIST (${data.source}: ${data.dir}), ${train.y.length} training / ${test.y.length} test images`);
console.log(`${args.model} with ${model.numParameters().toLocaleString('en')} parameters, ${args.optimizer} lr ${lr}, batch ${batchSize}, ${epochs} epochs\n`);
console.log(String(model), '\n');
console.log(EPOCH_HEADER);

await fit(model, {
  train,
  validation: test,
  epochs,
  optimizer: makeOptimizer(model.parameters(), lr),
  loss: F.crossEntropy,
  metrics: ['accuracy'],
  callbacks: [progressCallback({ epochs }), { onEpochEnd: (logs) => console.log(epochRow(logs)) }],
});

const scores = predict(model, test.x, { batchSize: 500 });
const matrix = confusionMatrix(scores, test.y, 10);
scores.dispose();
printConfusion(matrix, data.classNames);

const final = evaluate(model, test, { metrics: ['accuracy'] });
console.log(`\ntest accuracy ${percent(final.accuracy, 2)}, test loss ${final.loss.toFixed(4)}`);
await saveWeights(model, args.save, { metadata: { model: args.model, epochs: String(epochs), testAccuracy: final.accuracy.toFixed(4) } });
const mem = memory();
console.log(`weights saved to ${args.save}; wasm memory ${(mem.wasmBytes / 1048576).toFixed(0)} MiB, ${mem.tensors} live tensors`);

function printConfusion(matrix, names) {
  console.log('\nconfusion matrix (rows: true class, columns: predicted) and per-class accuracy');
  console.log(`${''.padEnd(16)}${matrix.map((_, c) => String(c).padStart(5)).join('')}   accuracy`);
  matrix.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    console.log(`${`${r} ${names[r]}`.padEnd(16)}${row.map((v) => String(v).padStart(5)).join('')}   ${percent(row[r] / total, 2).padStart(8)}`);
  });
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

#!/usr/bin/env node
// The main demo: a LeNet-style CNN (or an MLP) learns Fashion-MNIST, with progress, per-epoch
// train/test loss and accuracy, a confusion matrix, and the weights saved at the end.
//
//   npm run demo                                  committed subset, or the full set when installed
//   npm run demo -- --epochs 5 --model lenet --optimizer adam --lr 1e-3 --batch-size 64
//   npm run demo -- --data /path/to/fashion-mnist --out weights.safetensors
//   npm run demo -- --help
import { F, confusionMatrix, evaluate, fit, init, manualSeed, memory, nn, optim, predict } from 'simdgrad';
import { loadFashionMnist, progressCallback, saveWeights } from 'simdgrad/node';
import { USAGE, UsageError, parseDemoOptions } from './lib/demo-options.mjs';
import { EPOCH_HEADER, epochRow, percent } from './lib/format.mjs';

const args = parseOrExit(process.argv.slice(2));

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

await init();
manualSeed(args.seed);
const { epochs, batchSize, lr } = args;

const data = await loadFashionMnist({ dir: args.data, source: args.subset ? 'subset' : 'auto' });
const train = { x: data.train.images, y: data.train.labels, batchSize, shuffle: true };
const test = { x: data.test.images, y: data.test.labels, batchSize: 500 };
const model = MODELS[args.model]();

console.log(`simdgrad demo: Fashion-MNIST (${data.source}: ${data.dir}), ${train.y.length} training / ${test.y.length} test images`);
console.log(`${args.model} with ${model.numParameters().toLocaleString('en')} parameters, ${args.optimizer} lr ${lr}, batch ${batchSize}, ${epochs} epochs`);
console.log(`the trained weights will be written to ${args.out} (--out FILE to change)\n`);
console.log(String(model), '\n');
console.log(EPOCH_HEADER);

await fit(model, {
  train,
  validation: test,
  epochs,
  optimizer: OPTIMIZERS[args.optimizer](model.parameters(), lr),
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
await saveWeights(model, args.out, { metadata: { model: args.model, epochs: String(epochs), testAccuracy: final.accuracy.toFixed(4) } });
const mem = memory();
console.log(`weights saved to ${args.out}; wasm memory ${(mem.wasmBytes / 1048576).toFixed(0)} MiB, ${mem.tensors} live tensors`);

function printConfusion(matrix, names) {
  console.log('\nconfusion matrix (rows: true class, columns: predicted) and per-class accuracy');
  console.log(`${''.padEnd(16)}${matrix.map((_, c) => String(c).padStart(5)).join('')}   accuracy`);
  matrix.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    console.log(`${`${r} ${names[r]}`.padEnd(16)}${row.map((v) => String(v).padStart(5)).join('')}   ${percent(row[r] / total, 2).padStart(8)}`);
  });
}

function parseOrExit(argv) {
  try {
    const options = parseDemoOptions(argv);
    if (options.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`demo: ${error.message}\nRun with --help for the options.`);
    process.exit(2);
  }
}

#!/usr/bin/env node
// Overfitting, measured: a wide MLP (784 → 512 → 512 → 10, 670k parameters) trained on only 500
// Fashion-MNIST images for 30 epochs with Adam — plain, with dropout, and with weight decay —
// printing, after every epoch, its accuracy on the images it trains on and on 1,000 it never sees.
//
//   node examples/overfitting.mjs                                  (bundled subset, about a minute)
//   node examples/overfitting.mjs --hidden 1024 --train-size 1000 --epochs 50
//   node examples/overfitting.mjs --data /usr/share/datasets/fashion-mnist   (10,000 test images)
import { parseArgs } from 'node:util';
import { init } from 'simdgrad';
import { firstRows, loadFlatFashionMnist } from './lib/fashion-mnist.mjs';
import { RUNS, summarize, trainAndWatchGap } from './lib/overfitting.mjs';
import { formatTable, percent, streamingTable, wrap } from './lib/format.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '30' },
    'train-size': { type: 'string', default: '500' },
    hidden: { type: 'string', default: '512' },
    data: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});
const epochs = Number(args.epochs);
const width = Number(args.hidden);
const seed = Number(args.seed);

await init();
const data = await loadFlatFashionMnist(args.data);
const train = firstRows(data.train, Number(args['train-size']));
const test = data.test;

const parameterCount = 784 * width + width * width + 10 * width + 2 * width + 10;
console.log(`Overfitting: MLP 784 → ${width} → ${width} → 10 (ReLU, ${parameterCount.toLocaleString('en-US')} parameters), Adam lr 0.001, batch 64, ${epochs} epochs`);
console.log(`Fashion-MNIST (${data.source}): trained on ${train.y.length} images, tested on ${test.y.length} others.`);
console.log('Both accuracies are measured after each epoch with dropout off (eval mode); gap = train − test.');

const table = streamingTable(['epoch', 'train loss', 'train acc', 'test loss', 'test acc', 'gap'], 8);
const summaries = [];
for (const [name, run] of Object.entries(RUNS)) {
  console.log(`\n${run.label}${describeRun(run)}\n${table.header}`);
  const log = await trainAndWatchGap(name, { train, test, hidden: [width, width], epochs, seed, onEpochEnd: (e) => console.log(epochRow(e)) });
  summaries.push({ run, ...summarize(log) });
}

console.log('\nSummary\n');
console.log(formatTable(['run', 'best test acc', 'final train acc', 'final test acc', 'gap', 'test loss: lowest → final'], summaries.map(summaryRow)));
console.log(explanation(summaries));

function describeRun(run) {
  if (run.dropout > 0) return ` (nn.Dropout(${run.dropout}) after each hidden layer)`;
  if (run.weightDecay > 0) return ` (optim.Adam with weightDecay ${run.weightDecay}: an L2 penalty pulling every weight towards 0)`;
  return ' (no regularisation)';
}

function epochRow(e) {
  return table.row([String(e.epoch), e.trainLoss.toFixed(4), percent(e.trainAccuracy), e.testLoss.toFixed(4), percent(e.testAccuracy), points(e.gap)]);
}

function summaryRow(s) {
  return [s.run.label, `${percent(s.bestTestAccuracy)} (epoch ${s.bestEpoch})`, percent(s.finalTrainAccuracy), percent(s.finalTestAccuracy), points(s.gap), `${s.lowestTestLoss.toFixed(3)} → ${s.finalTestLoss.toFixed(3)}`];
}

function points(fraction) {
  return `${(100 * fraction).toFixed(1)} pt`;
}

function explanation([plain, ...regularised]) {
  const each = (describe) => regularised.map((s) => `${describe(s)} with ${s.run.label}`).join(' and ');
  const signed = (fraction) => `${fraction >= 0 ? '+' : '−'}${points(Math.abs(fraction))}`;
  const decay = RUNS.weightDecay.weightDecay;
  const outcome =
    plain.gap > 0.1
      ? `With ${train.y.length} training images and ${parameterCount.toLocaleString('en-US')} parameters, the plain network can memorise the
         training set: it ended at ${percent(plain.finalTrainAccuracy)} accuracy on the images it trained on but ${percent(plain.finalTestAccuracy)} on new ones, a
         gap of ${points(plain.gap)}.`
      : `The plain network ended at ${percent(plain.finalTrainAccuracy)} on its training images and ${percent(plain.finalTestAccuracy)} on new ones, a gap of
         only ${points(plain.gap)}: it has not trained long enough to overfit; try more --epochs or a smaller --train-size.`;
  const testLoss =
    plain.finalTestLoss > plain.lowestTestLoss + 0.02
      ? `Its test loss told the story earlier: it bottomed out at ${plain.lowestTestLoss.toFixed(3)}, then climbed to ${plain.finalTestLoss.toFixed(3)}
         while the training loss kept falling — the network grew ever more confident about the training
         images, and about the test images it gets wrong. That is overfitting.`
      : `Its test loss was still near its lowest (${plain.finalTestLoss.toFixed(3)}) when training stopped.`;
  const lessConfidentlyWrong = regularised.every((s) => s.finalTestLoss < plain.finalTestLoss) ? ': the regularised runs are less confidently wrong' : '';
  return `\n${wrap(`
What happened. ${outcome} ${testLoss}

The gap ended at ${each((s) => points(s.gap))}. Dropout zeroes a random half of the hidden
units at every step, so no unit can count on particular others to recognise one particular
training image; weight decay adds ${decay}·w to each weight's gradient, so any weight the data
does not keep pushing up shrinks back towards 0, and the network cannot fit each image with
large, finely tuned weights.

Test accuracy changed by ${each((s) => signed(s.finalTestAccuracy - plain.finalTestAccuracy))}, training accuracy by
${each((s) => signed(s.finalTrainAccuracy - plain.finalTrainAccuracy))}: a smaller gap makes the training accuracy a more honest
forecast of the test accuracy, but is not by itself a better model. The final test loss was
${each((s) => s.finalTestLoss.toFixed(3))}, against ${plain.finalTestLoss.toFixed(3)} without regularisation${lessConfidentlyWrong}.
The cure for too little data is more data: try --train-size 6000.`)}`;
}

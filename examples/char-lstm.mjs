#!/usr/bin/env node
// A character-level language model: Embedding → LSTM → Linear, trained with Adam to predict the
// next character of Debian's fortune cookies (98 KB of English; 90 % to train on, the last 10 %
// to validate). After every epoch it prints the validation loss in bits per character, against
// the unigram entropy of the text (what a model that ignores context reaches), then samples text.
//
//   node examples/char-lstm.mjs                          (shipped corpus, about a minute)
//   node examples/char-lstm.mjs --epochs 20 --hidden 512
//   node examples/char-lstm.mjs --corpus /usr/share/games/fortunes   (scripts/install-text-corpus.sh)
import { parseArgs } from 'node:util';
import { init, manualSeed } from 'simdgrad';
import { CharLstm, sample, train } from './lib/char-lstm.mjs';
import { loadCorpus, tokenize, unigramEntropy } from './lib/text-corpus.mjs';
import { streamingTable } from './lib/format.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '8' },
    steps: { type: 'string', default: '50' },
    hidden: { type: 'string', default: '256' },
    length: { type: 'string', default: '64' },
    batch: { type: 'string', default: '32' },
    corpus: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});
const seed = Number(args.seed);
const hidden = Number(args.hidden);
const length = Number(args.length);
const batch = Number(args.batch);

await init();
manualSeed(seed);
const corpus = await loadCorpus(args.corpus);
const { chars, ids } = tokenize(corpus.text);
const split = Math.floor(ids.length * 0.9);
const trainIds = ids.subarray(0, split);
const validation = ids.subarray(split);
const model = new CharLstm(chars.length, { embed: 64, hidden });

console.log(`Character-level LSTM on ${corpus.source}: ${ids.length.toLocaleString('en-US')} characters, ${chars.length} distinct; ${trainIds.length.toLocaleString('en-US')} to train, ${validation.length.toLocaleString('en-US')} to validate.`);
console.log(`${model}`);
console.log(`Adam lr 0.002, batches of ${batch} random windows of ${length} characters, ${args.steps} steps an epoch.`);
console.log(`Unigram entropy of the training text: ${unigramEntropy(trainIds, chars.length).toFixed(3)} bits per character.\n`);

const table = streamingTable(['epoch', 'train bits/char', 'validation bits/char', 'tokens/s'], 8);
console.log(table.header);
train(model, {
  train: trainIds, validation, epochs: Number(args.epochs), stepsPerEpoch: Number(args.steps), batch, length, seed,
  onEpochEnd: (e) => console.log(table.row([String(e.epoch), e.trainBits.toFixed(3), e.validationBits.toFixed(3), e.tokensPerSecond.toFixed(0)])),
});

console.log('\nSampled at temperature 0.8:\n');
console.log(sample(model, chars, { prompt: '\n', count: 400, temperature: 0.8, seed }));
model.dispose();

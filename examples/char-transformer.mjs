#!/usr/bin/env node
// A character-level transformer (workload W6's model) learning Debian's fortune-cookie texts:
// after every epoch it prints the validation loss in bits per character next to the unigram
// entropy (what a model that ignores context scores), then samples text from the trained model.
//
//   node examples/char-transformer.mjs                         (shipped corpus, a few minutes)
//   node examples/char-transformer.mjs --epochs 3 --d-model 64 (quicker)
//   sh scripts/install-text-corpus.sh && node examples/char-transformer.mjs --corpus /usr/share/games/fortunes
import { parseArgs } from 'node:util';
import { init, manualSeed } from 'simdgrad';
import { CharTransformer, sample, train } from './lib/char-transformer.mjs';
import { loadCorpus, splitIds, tokenize, unigramEntropy } from './lib/text-corpus.mjs';
import { streamingTable } from './lib/format.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    'steps-per-epoch': { type: 'string', default: '100' },
    'd-model': { type: 'string', default: '128' },
    layers: { type: 'string', default: '2' },
    context: { type: 'string', default: '64' },
    corpus: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});

await init();
manualSeed(Number(args.seed));
const corpus = await loadCorpus(args.corpus);
const { chars, ids } = tokenize(corpus.text);
const { train: trainIds, validation } = splitIds(ids);
const dModel = Number(args['d-model']);
const model = new CharTransformer(chars.length, { context: Number(args.context), dModel, heads: 4, layers: Number(args.layers) });
const baseline = unigramEntropy(trainIds, chars.length);

console.log(`Corpus: ${corpus.source}, ${ids.length.toLocaleString('en-US')} characters, ${chars.length} distinct; the last 10% validates.`);
console.log(`Model: ${model.numParameters().toLocaleString('en-US')} parameters (d_model ${dModel}, 4 heads, ${args.layers} pre-norm GELU layers, context ${args.context}, causal); AdamW lr 0.001, batch 32.`);
console.log(`Unigram entropy (no context): ${baseline.toFixed(3)} bits per character.\n`);
const table = streamingTable(['epoch', 'train bpc', 'valid bpc', 'tokens/s']);
console.log(table.header);
train(model, {
  train: trainIds,
  validation,
  epochs: Number(args.epochs),
  stepsPerEpoch: Number(args['steps-per-epoch']),
  seed: Number(args.seed),
  onEpochEnd: (e) => console.log(table.row([String(e.epoch), e.trainBits.toFixed(3), e.validationBits.toFixed(3), Math.round(e.tokensPerSecond).toLocaleString('en-US')])),
});
console.log(`\nSampled (temperature 0.8):\n${sample(model, chars, { prompt: '\n', count: 400, seed: Number(args.seed) })}`);
model.dispose();

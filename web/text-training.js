// The worker's text job: the character transformer of examples/char-transformer.mjs learns the
// fortune files (data/fortunes/, fetched from the page's server), reporting training and
// validation bits per character and, after every epoch, a sample of text it generates.
import { manualSeed, optim } from 'simdgrad';
import { bitsPerChar, sample } from '../examples/lib/char-transformer.mjs';
import { FORTUNE_FILES, generator, joinFortunes, splitIds, tokenize, unigramEntropy, windowStep } from '../examples/lib/char-text.mjs';
import { TEXT_MODELS } from './models.js';

/** Characters sampled after each epoch. */
const SAMPLE_LENGTH = 200;

let corpus = null; // { url, chars, train, validation, unigramBits, characters }, fetched once
let current = null; // { model, optimizer } of the last text job

export async function trainText(config, context) {
  corpus = corpus?.url === config.corpusUrl ? corpus : await fetchCorpus(config.corpusUrl);
  current?.model.dispose();
  current?.optimizer.dispose();
  manualSeed(config.seed);
  const model = TEXT_MODELS[config.model](corpus.chars.length);
  const optimizer = new optim.AdamW(model.parameters(), { lr: config.lr, weightDecay: 0.01 });
  current = { model, optimizer };
  context.report({
    kind: 'text-model',
    parameters: model.numParameters(),
    context: model.context,
    characters: corpus.characters,
    alphabet: corpus.chars.join(''),
    unigramBits: corpus.unigramBits,
  });
  // Epoch 0: the untrained model, which guesses about uniformly.
  model.eval();
  reportEpochEnd(model, config, context, 0, bitsPerChar(model, corpus.validation));
  const random = generator(config.seed + 1);
  const step = { trainIds: corpus.train, logitsOf: (x) => model.forward(x), batch: config.batchSize, length: model.context, random };
  let validationBits = NaN;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    model.train();
    const started = performance.now();
    let nats = 0;
    for (let batch = 1; batch <= config.stepsPerEpoch; batch++) {
      nats += windowStep(model, optimizer, step);
      const seconds = (performance.now() - started) / 1000;
      await context.callback.onBatchEnd({ epoch, batch, batches: config.stepsPerEpoch, loss: nats / batch, samples: batch * config.batchSize * model.context, seconds });
    }
    const seconds = (performance.now() - started) / 1000;
    model.eval();
    validationBits = bitsPerChar(model, corpus.validation);
    const tokens = config.stepsPerEpoch * config.batchSize * model.context;
    reportEpochEnd(model, config, context, epoch, validationBits);
    await context.callback.onEpochEnd({ epoch, loss: nats / config.stepsPerEpoch, valLoss: validationBits * Math.LN2, seconds, samplesPerSecond: tokens / seconds });
  }
  return { validationBits };
}

/** The validation bits per character and a sample of text after `epoch`. */
function reportEpochEnd(model, config, context, epoch, validationBits) {
  const text = sample(model, corpus.chars, { prompt: '\n', count: SAMPLE_LENGTH, temperature: config.temperature, seed: config.seed + epoch });
  context.report({ kind: 'text-sample', epoch, validationBits, text });
}

/** The fortune files under `url`, as the examples read them from disk (text-corpus.mjs). */
async function fetchCorpus(url) {
  const texts = await Promise.all(FORTUNE_FILES.map(async (name) => {
    const response = await fetch(new URL(`${name}.txt`, url));
    if (!response.ok) throw new Error(`could not fetch the corpus file ${response.url}: HTTP ${response.status}`);
    return new TextDecoder('latin1').decode(await response.arrayBuffer());
  }));
  const { chars, ids } = tokenize(joinFortunes(texts));
  const { train, validation } = splitIds(ids);
  return { url, chars, train, validation, unigramBits: unigramEntropy(train, chars.length), characters: ids.length };
}

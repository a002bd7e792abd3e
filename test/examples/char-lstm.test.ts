import { beforeAll, describe, expect, it } from 'vitest';
import { memory, nn } from 'simdgrad';
import { CharLstm, sample, train } from '../../examples/lib/char-lstm.mjs';
import { loadCorpus, tokenize, unigramEntropy } from '../../examples/lib/text-corpus.mjs';

// The model of examples/char-lstm.mjs, smaller (hidden 128, windows of 32) and trained for
// 3 epochs of 50 steps on the shipped fortune files.
type Epoch = { epoch: number; trainBits: number; validationBits: number; tokensPerSecond: number };
let corpus: { chars: string[]; ids: Int32Array };
let model: CharLstm;
let log: Epoch[];
let unigram: number;

beforeAll(async () => {
  const { text } = await loadCorpus();
  corpus = tokenize(text);
  const split = Math.floor(corpus.ids.length * 0.9);
  const trainIds = corpus.ids.subarray(0, split);
  unigram = unigramEntropy(trainIds, corpus.chars.length);
  model = new CharLstm(corpus.chars.length, { embed: 32, hidden: 128 });
  log = train(model, { train: trainIds, validation: corpus.ids.subarray(split), epochs: 3, stepsPerEpoch: 50, batch: 32, length: 32, seed: 0 }) as Epoch[];
}, 120_000);

describe('the character-level LSTM example', () => {
  it('reads the shipped fortunes: about 98,000 characters of English', () => {
    expect(corpus.ids.length).toBeGreaterThan(95_000);
    expect(corpus.chars).toContain('e');
    const text = corpus.ids.reduce((s, id) => s + corpus.chars[id], '');
    expect(text).not.toMatch(/^%$/m);
    // Letters alone carry about 4.1 bits each; capitals, punctuation, tabs and newlines add some.
    expect(unigram).toBeGreaterThan(4.3);
    expect(unigram).toBeLessThan(5);
  });

  it('builds Embedding → LSTM → Linear with PyTorch state_dict names', () => {
    expect(model.namedParameters().map(([name]) => name)).toEqual([
      'embedding.weight', 'lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0', 'head.weight', 'head.bias',
    ]);
    expect(model.lstm).toBeInstanceOf(nn.LSTM);
  });

  it('learns from context: validation bits per character fall clearly below the unigram entropy', () => {
    expect(log.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(log[2]!.validationBits).toBeLessThan(log[0]!.validationBits);
    expect(log[2]!.validationBits).toBeLessThan(unigram - 0.7);
  });

  it('samples the requested number of characters from its vocabulary, leaving no tensors behind', () => {
    const before = memory().tensors;
    const text = sample(model, corpus.chars, { count: 50, seed: 1 });
    expect(text).toHaveLength(50);
    expect([...text].every((c) => corpus.chars.includes(c))).toBe(true);
    expect(memory().tensors).toBe(before);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, memory } from 'simdgrad';
import { CharTransformer, bitsPerChar, sample, train } from '../../examples/lib/char-transformer.mjs';
import { loadCorpus, splitIds, tokenize, unigramEntropy } from '../../examples/lib/text-corpus.mjs';

// examples/char-transformer.mjs scaled down to seconds: a d_model 64 transformer with a
// context of 32 trained for 3 x 40 steps on the shipped fortune files.
type EpochLog = { epoch: number; trainBits: number; validationBits: number; tokensPerSecond: number };
let log: EpochLog[] = [];
let baseline = 0;
let chars: string[] = [];
let model: CharTransformer;

beforeAll(async () => {
  manualSeed(0);
  const corpus = await loadCorpus();
  const tokens = tokenize(corpus.text);
  chars = tokens.chars;
  const { train: trainIds, validation } = splitIds(tokens.ids);
  baseline = unigramEntropy(trainIds, chars.length);
  model = new CharTransformer(chars.length, { context: 32, dModel: 64, heads: 4, layers: 2 });
  log = train(model, { train: trainIds, validation, epochs: 3, stepsPerEpoch: 40, lr: 3e-3 });
}, 120_000);

describe('the character-level transformer on the fortune files', () => {
  it('starts near uniform guessing over the characters (log2 of the vocabulary)', () => {
    const fresh = new CharTransformer(chars.length, { context: 32, dModel: 64, heads: 4, layers: 2 });
    const { ids } = tokenize('the quick brown fox jumps over the lazy dog, again and again, and again.\n'.repeat(3));
    // an untrained model spreads its guesses: within a bit of log2(vocab), far above what it learns
    expect(bitsPerChar(fresh, ids)).toBeGreaterThan(Math.log2(chars.length) - 1);
    fresh.dispose();
  });

  it('brings validation bits per character clearly below the unigram entropy', () => {
    expect(baseline).toBeGreaterThan(4.5);
    expect(log.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const last = log.at(-1)!.validationBits;
    expect(last).toBeLessThan(baseline - 0.75);
    expect(last).toBeLessThan(log[0]!.validationBits);
  });

  it('samples text from the corpus alphabet, reproducibly under one seed, without leaking', () => {
    const before = memory().tensors;
    const a = sample(model, chars, { count: 60, seed: 3 });
    const b = sample(model, chars, { count: 60, seed: 3 });
    expect(a).toHaveLength(60);
    expect(a).toBe(b);
    expect([...a].every((c) => chars.includes(c))).toBe(true);
    expect(memory().tensors).toBe(before);
  });
});

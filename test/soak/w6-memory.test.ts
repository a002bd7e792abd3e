// A long run of W6 at full size (the dist project only): the character transformer of
// ../shared/WORKLOADS.md (d_model 128, 4 heads, feed-forward 512, 2 pre-norm GELU layers,
// context 64, batch 32) trained with AdamW on the shipped fortune files, in a loop written as a
// PyTorch user writes it: no tidy, each tensor the loop holds (the output, its flattened view, the
// loss) disposed once read. Memory must stay flat while the model learns.
import { describe, expect, it } from 'vitest';
import { F, manualSeed, memory, optim } from 'simdgrad';
import { CharTransformer } from '../../examples/lib/char-transformer.mjs';
import { generator, loadCorpus, splitIds, tokenize, windows } from '../../examples/lib/text-corpus.mjs';

const STEPS = 200;
const SAMPLE_EVERY = 40;
const [BATCH, CONTEXT] = [32, 64];

describe('soak: W6 trained without tidy', () => {
  it(`keeps memory flat for ${STEPS} full-size steps while the loss falls`, async () => {
    manualSeed(6);
    const { ids } = tokenize((await loadCorpus()).text);
    const { train: trainIds } = splitIds(ids);
    const vocab = Math.max(...trainIds) + 1;
    const model = new CharTransformer(vocab, { context: CONTEXT, dModel: 128, heads: 4, feedforward: 512, layers: 2 });
    const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
    const random = generator(6);

    const losses: number[] = [];
    const samples: { step: number; tensors: number; bytes: number; wasmBytes: number }[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const starts = Array.from({ length: BATCH }, () => Math.floor(random() * (trainIds.length - CONTEXT - 1)));
      const { x, y } = windows(trainIds, starts, CONTEXT);
      optimizer.zeroGrad();
      const logits = model.forward(x);
      const flatLogits = logits.reshape([BATCH * CONTEXT, vocab]);
      const loss = F.crossEntropy(flatLogits, y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      loss.dispose();
      flatLogits.dispose();
      logits.dispose();
      x.dispose();
      if (step % SAMPLE_EVERY === 0) {
        const { tensors, bytes, wasmBytes } = memory();
        samples.push({ step, tensors, bytes, wasmBytes });
      }
    }

    const first = samples[0]!;
    for (const sample of samples) expect(sample, `memory at step ${sample.step}`).toEqual({ ...first, step: sample.step });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // from about ln(vocab) nats to clearly below the unigram level of English text (about 3 nats)
    expect(mean(losses.slice(0, 5))).toBeGreaterThan(3.5);
    expect(mean(losses.slice(-20))).toBeLessThan(2.6);
    optimizer.dispose();
    model.dispose();
  }, 600_000);
});

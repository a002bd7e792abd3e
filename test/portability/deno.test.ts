import { beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnistInDeno, nodeReference, trainXorIn } from './harness/cli-hosts.js';
import { expectLearnedXor, expectSameTrainingAs, type XorResult } from './harness/expect-learned.js';
import { requireBuiltBundle } from './harness/paths.js';

// Deno runs it with no permissions at all: the bundle reads no file and fetches nothing.
describe('Deno runs dist/simdgrad.js', () => {
  let reference: XorResult;
  beforeAll(async () => {
    requireBuiltBundle();
    reference = await nodeReference();
  });

  it('init() picks the relaxed-SIMD build, which Deno has, and learns XOR', async () => {
    const result = await trainXorIn('deno', 'auto');
    expect(result.relaxedSimd).toBe(true);
    expect(result.build).toBe('relaxed-simd');
    expectLearnedXor(result);
  });

  it('learns XOR with the plain SIMD build, as Node does, and frees every tensor', async () => {
    const result = await trainXorIn('deno', 'simd');
    expect(result.build).toBe('simd');
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });

  it("loadFashionMnist() without --allow-read names the flag, and with only --allow-read loads the subset", async () => {
    const denied = (await loadFashionMnistInDeno([])) as { error: string };
    expect(denied.error).toMatch(/^simdgrad: loadFashionMnist\(\): Deno denied reading \/.*: run with --allow-read \(e\.g\. `deno run --allow-read main\.js`\)/);
    expect(await loadFashionMnistInDeno(['--allow-read'])).toEqual({ source: 'subset', trainImages: [6000, 1, 28, 28], testLabels: 1000 });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { nodeReference, trainXorIn } from './harness/cli-hosts.js';
import { expectLearnedXor, expectSameTrainingAs, type XorResult } from './harness/expect-learned.js';
import { requireBuiltBundle } from './harness/paths.js';

// Bun runs JavaScriptCore, not V8: the one engine here that is not Chromium's.
describe('Bun runs dist/simdgrad.js', () => {
  let reference: XorResult;
  beforeAll(async () => {
    requireBuiltBundle();
    reference = await nodeReference();
  });

  it('init() picks the relaxed-SIMD build, which Bun has, and learns XOR', async () => {
    const result = await trainXorIn('bun', 'auto');
    expect(result.relaxedSimd).toBe(true);
    expect(result.build).toBe('relaxed-simd');
    expectLearnedXor(result);
  });

  it('learns XOR with the plain SIMD build, as Node does, and frees every tensor', async () => {
    const result = await trainXorIn('bun', 'simd');
    expect(result.build).toBe('simd');
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRelaxedSimdFlags, trainXorIn } from './harness/cli-hosts.js';
import { expectLearnedXor, expectSameTrainingAs, type XorResult } from './harness/expect-learned.js';
import { requireBuiltBundle } from './harness/paths.js';

// Plain `node`, no vitest and no vite in between: Node's own ES module loader takes
// dist/simdgrad.js and its chunk as a package consumer gets them.
describe('Node runs dist/simdgrad.js in a plain process', () => {
  let reference: XorResult;
  beforeAll(async () => {
    requireBuiltBundle();
    reference = await trainXorIn('node', 'simd');
  });

  it('learns XOR with the plain SIMD build and frees every tensor', () => {
    expect(reference.build).toBe('simd');
    expectLearnedXor(reference);
  });

  it('init() picks relaxed SIMD exactly when the runtime validates it', async () => {
    const result = await trainXorIn('node', 'auto');
    expect(result.build).toBe(result.relaxedSimd ? 'relaxed-simd' : 'simd');
    expectLearnedXor(result);
  });

  it(`learns XOR with the relaxed-SIMD build (Node ${process.versions.node}${nodeRelaxedSimdFlags.length ? ', behind --experimental-wasm-relaxed-simd' : ''})`, async () => {
    const result = await trainXorIn('node', 'relaxed-simd', { nodeFlags: nodeRelaxedSimdFlags });
    expect(result.build).toBe('relaxed-simd');
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });
});

import { describe, expect, it } from 'vitest';
import { nn, tensor } from 'simdgrad';

// CountBuffer is internal; BatchNorm's num_batches_tracked is the count buffer users see.
describe('a count buffer (BatchNorm num_batches_tracked)', () => {
  it('follows its tensor when the tensor is written directly, e.g. by nn.init', () => {
    const bn = new nn.BatchNorm1d(2);
    nn.init.constant_(bn.numBatchesTracked!, 5);
    expect(bn.stateDict().get('num_batches_tracked')!.integers).toEqual(BigInt64Array.of(5n));
    bn.forward(tensor([[1, 2], [3, 5]]));
    expect(bn.stateDict().get('num_batches_tracked')!.integers).toEqual(BigInt64Array.of(6n));
  });
});

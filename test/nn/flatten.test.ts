import { describe, expect, it } from 'vitest';
import { arange, nn } from 'simdgrad';

describe('nn.Flatten', () => {
  it('keeps the batch dimension by default', () => {
    const out = new nn.Flatten().forward(arange(24).reshape(2, 3, 2, 2));
    expect(out.shape).toEqual([2, 12]);
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('merges startDim..endDim inclusive', () => {
    expect(new nn.Flatten(0).forward(arange(24).reshape(2, 3, 4)).shape).toEqual([24]);
    expect(new nn.Flatten(1, 2).forward(arange(48).reshape(2, 3, 4, 2)).shape).toEqual([2, 12, 2]);
    expect(new nn.Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(new nn.Flatten(1, 2).toString()).toBe('Flatten(start_dim=1, end_dim=2)');
  });
});

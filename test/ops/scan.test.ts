import { describe, expect, it } from 'vitest';
import { cumsum, tensor } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { cosineUpstream, sample, spread } from '../helpers/sample-data.js';

describe('cumsum', () => {
  it('matches torch.cumsum(x, 1) and its gradient', () => {
    const x = sample(true);
    const out = cumsum(x, 1);
    expectCloseToFixture(out, { shape: [2, 3, 4], data: [0.296, 1.0, 0.239, -0.872, -0.41, 1.494, 1.209, -0.847, -1.367, 0.957, 1.879, 0.048, -0.191, -0.997, -0.342, 0.814, 0.587, -1.395, -1.332, 0.682, 1.507, -0.771, -1.918, -0.256] }, 'cumsum');
    out.backward(cosineUpstream([2, 3, 4]));
    expectCloseToFixture(x.grad, { shape: [2, 3, 4], data: [0.7115929, 0.16727, -0.5036395, -0.7934047, -0.2884071, -0.45434, -0.2764374, 0.1106675, 0.6083513, -0.2435442, -0.9111303, -0.8891912, 0.2061694, 0.7283935, 0.6993839, 0.1410945, 0.4004994, 0.0807972, -0.3000507, -0.4538262, 0.6603167, 0.998728, 0.5813218, -0.2760171] }, 'grad x');
  });

  it('runs along the last dim and checks by finite differences', () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]]).cumsum(-1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expectGradientsMatchFiniteDifferences((t) => cumsum(t, -1), [{ shape: [2, 9], data: spread(18) }]);
    expectGradientsMatchFiniteDifferences((t) => cumsum(t, 0), [{ shape: [3, 5], data: spread(15) }]);
  });

  it('rejects a dim out of range', () => {
    expect(() => cumsum(tensor([1, 2]), 1)).toThrow(/^simdgrad: cumsum: dim 1 is out of range for a tensor with 1 dimensions/);
  });
});

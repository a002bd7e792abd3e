import { describe, expect, it } from 'vitest';
import { abs, clamp, maximum, minimum, tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { spread } from '../helpers/sample-data.js';

describe('abs', () => {
  it('has gradient sign(x), 0 at 0 as in torch', () => {
    // torch: x = [-1, 0, 1, 2, -3]; x.abs().sum().backward() -> [-1, 0, 1, 1, -1]
    const x = tensor([-1, 0, 1, 2, -3], undefined, { requiresGrad: true });
    const out = abs(x);
    expect(out.toArray()).toEqual([1, 0, 1, 2, 3]);
    out.sum().backward();
    expect(x.grad!.toArray()).toEqual([-1, 0, 1, 1, -1]);
    expectGradientsMatchFiniteDifferences((t) => t.abs(), [{ shape: [3, 5], data: spread(15) }]);
  });
});

describe('clamp', () => {
  it('limits to [min, max]; the gradient passes at the bounds, as in torch', () => {
    // torch: x = [-1, 0, 0.5, 1, 2]; x.clamp(0, 1).sum().backward() -> [0, 1, 1, 1, 0]
    const x = tensor([-1, 0, 0.5, 1, 2], undefined, { requiresGrad: true });
    const out = clamp(x, 0, 1);
    expect(out.toArray()).toEqual([0, 0, 0.5, 1, 1]);
    out.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  it('takes one bound alone, keeps NaN, and checks by finite differences', () => {
    expect(tensor([-2, 3, NaN, 0.5, -0.5]).clamp(null, 1).toArray()).toEqual([-2, 1, NaN, 0.5, -0.5]);
    expect(clamp(tensor([-2, 3]), 0).toArray()).toEqual([0, 3]);
    expectGradientsMatchFiniteDifferences((t) => clamp(t, -0.32, 0.48), [{ shape: [2, 6], data: spread(12) }]);
  });

  it('wants at least one bound, and no NaN bound', () => {
    expect(() => clamp(tensor([1]))).toThrow(/^simdgrad: clamp: pass min, max or both \(got neither\)/);
    expect(() => clamp(tensor([1]), NaN)).toThrow(/^simdgrad: clamp: min must be a number \(not NaN\) or null, got NaN/);
  });
});

describe('minimum and maximum', () => {
  it('broadcast, and split the gradient of ties in half as torch does', () => {
    // torch: a = [1, 2, 3], b = [1, 3, 2]; maximum(a, b).sum().backward() -> a.grad [0.5, 0, 1], b.grad [0.5, 1, 0]
    const a = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const b = tensor([1, 3, 2], undefined, { requiresGrad: true });
    const out = maximum(a, b);
    expect(out.toArray()).toEqual([1, 3, 3]);
    out.sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 1, 0]);
  });

  it('minimum picks the smaller, with a number or a broadcast row; NaN wins', () => {
    expect(minimum(tensor([[1, 5], [4, 2]]), tensor([3, 3])).toArray()).toEqual([[1, 3], [3, 2]]);
    expect(tensor([NaN, 1]).minimum(0).toArray()).toEqual([NaN, 0]);
    expect(tensor([NaN, 1]).maximum(0).toArray()).toEqual([NaN, 1]);
  });

  it('have gradients for both operands', () => {
    const inputs = [{ shape: [2, 3], data: spread(6) }, { shape: [3], data: [0.05, -0.25, 0.35] }];
    expectGradientsMatchFiniteDifferences((p, q) => minimum(p, q), inputs);
    expectGradientsMatchFiniteDifferences((p, q) => maximum(q, p), inputs);
  });

  it('name shapes that do not broadcast', () => {
    expect(() => maximum(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^simdgrad: maximum: shapes \[2\] and \[3\] cannot be broadcast together/);
  });
});

import { describe, expect, it } from 'vitest';
import { memory, noGrad, ones, tensor, tidy } from 'simdgrad';

describe('backward', () => {
  it('computes the gradient of a small expression', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const y = x.mul(x).add(x.mul(3)).sum();
    y.backward();
    expect(x.grad!.toArray()).toEqual([5, 7, 9]);
  });

  it('accumulates gradients across backward calls until they are zeroed', () => {
    const w = tensor([2], undefined, { requiresGrad: true });
    w.mul(3).sum().backward();
    w.mul(4).sum().backward();
    expect(w.grad!.toArray()).toEqual([7]);
  });

  it('adds the gradients of a tensor used twice', () => {
    const x = tensor([1.5], undefined, { requiresGrad: true });
    const h = x.mul(2);
    h.add(h).mul(h).sum().backward();
    expect(x.grad!.item()).toBeCloseTo(24, 5);
  });

  it('records nothing inside noGrad', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = noGrad(() => x.mul(2).sum());
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require grad/);
  });

  it('refuses a second backward through a freed graph unless retainGraph is set', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
    expect(() => y.backward()).toThrow(/backward through 'sum' a second time/);
  });

  it('needs an upstream gradient of the same shape for a non-scalar output', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/needs a one-element tensor \(a loss\), got shape \[2\]/);
    expect(() => y.backward(ones([3]))).toThrow(/upstream has shape \[3\] but the tensor has shape \[2\]/);
  });

  it('still computes gradients when intermediates were disposed by tidy', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const loss = tidy(() => x.mul(x).mul(2).sum());
    loss.backward();
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
  });

  it('frees every intermediate once backward has run', () => {
    const w = tensor([[0.5, -1], [2, 0.25]], undefined, { requiresGrad: true });
    const x = tensor([[1, 2], [3, 4]]);
    const step = () => {
      const loss = tidy(() => x.matmul(w).exp().mean());
      loss.backward();
      loss.dispose();
    };
    step();
    const before = memory();
    for (let i = 0; i < 200; i++) step();
    expect(memory()).toEqual(before);
  });

  it('frees the saved tensors of a graph that is dropped without backward', () => {
    const w = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const before = memory();
    tidy(() => w.mul(w).exp().sum()).dispose();
    expect(memory()).toEqual(before);
  });
});

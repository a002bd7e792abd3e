import { describe, expect, it } from 'vitest';
import { memory, optim, tensor, type Tensor } from 'simdgrad';
import { setGrad, values } from './reference.js';

const read = (t: Tensor): number[] => Array.from(t.toFloat32Array());

function withGrad(grad: number[]): Tensor {
  const param = tensor(grad.map(() => 0), [grad.length], { requiresGrad: true });
  setGrad(param, grad);
  return param;
}

describe('clipGradNorm', () => {
  it('scales all gradients together to maxNorm and returns the norm they had', () => {
    const a = withGrad([3, 4]);
    const b = withGrad([12]);
    const noGrad = tensor([1], [1], { requiresGrad: true });
    expect(optim.clipGradNorm([a, b, noGrad], 6.5)).toBeCloseTo(13, 5);
    const coefficient = 6.5 / (13 + 1e-6);
    expect(read(a.grad!)).toEqual([3, 4].map((g) => Math.fround(g * coefficient)));
    expect(read(b.grad!)).toEqual([Math.fround(12 * coefficient)]);
    expect(noGrad.grad).toBeNull();
  });

  it('leaves gradients below maxNorm untouched', () => {
    const a = withGrad([0.1, -0.2, 0.3]);
    expect(optim.clipGradNorm(a, 1)).toBeCloseTo(Math.hypot(0.1, 0.2, 0.3), 6);
    expect(read(a.grad!)).toEqual([0.1, -0.2, 0.3].map(Math.fround));
    expect(optim.clipGradNorm([a], Infinity)).toBeCloseTo(Math.hypot(0.1, 0.2, 0.3), 6);
  });

  it('sums long gradients accurately', () => {
    const grad = values(10007, 3);
    const want = Math.sqrt(grad.reduce((s, g) => s + g * g, 0));
    expect(Math.abs(optim.clipGradNorm(withGrad(grad), Infinity) - want)).toBeLessThanOrEqual(1e-6 * want);
  });

  it('sums over many gradients of every size in one pass, with memory flat from call to call', () => {
    const grads = [1, 3, 4, 5, 0, 10007, 17].map((size, j) => values(size, j, 10 ** (j % 3)));
    const params = grads.map(withGrad);
    const want = Math.sqrt(grads.flat().reduce((s, g) => s + g * g, 0));
    expect(Math.abs(optim.clipGradNorm(params, Infinity) - want)).toBeLessThanOrEqual(1e-6 * want);
    const after = memory();
    for (let i = 0; i < 3; i++) optim.clipGradNorm(params, Infinity);
    expect(memory()).toEqual(after);
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(optim.clipGradNorm([tensor([1], [1], { requiresGrad: true })], 1)).toBe(0);
  });

  it('returns a non-finite norm without scaling, leaving step() to name the culprit', () => {
    const a = withGrad([1, Number.NaN]);
    const b = withGrad([100]);
    expect(optim.clipGradNorm([a, b], 1)).toBeNaN();
    expect(read(b.grad!)).toEqual([100]);
  });

  it('rejects a negative or NaN maxNorm', () => {
    expect(() => optim.clipGradNorm(withGrad([1]), -1)).toThrow(/clipGradNorm: maxNorm must be a number >= 0, got -1/);
    expect(() => optim.clipGradNorm(withGrad([1]), Number.NaN)).toThrow(/got NaN/);
  });
});

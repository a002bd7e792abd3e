import { describe, expect, it } from 'vitest';
import { max, mean, sum, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const ops = { sum, mean } as const;

describe('sum and mean match the golden fixtures', () => {
  for (const c of loadCases('reduce')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = ops[c.op as keyof typeof ops](input, c.params.dim as number[] | null, c.params.keepdim as boolean);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

describe('reductions', () => {
  it('reduce over non-adjacent axes and check gradients', () => {
    const data = { shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => Math.sin(i)) };
    expectGradientsMatchFiniteDifferences((x) => sum(x, [0, 2]), [data]);
    expectGradientsMatchFiniteDifferences((x) => mean(x, -1, true), [data]);
  });

  it('rejects an axis out of range', () => {
    expect(() => sum(tensor([[1, 2]]), 2)).toThrow(/sum: dim 2 is out of range for a tensor with 2 dimensions/);
  });
});

describe('max', () => {
  // Distinct values at least 0.1 apart, so finite differences never cross a tie.
  const shuffled = (count: number) => Array.from({ length: count }, (_, i) => ((i * 7) % count) * 0.1 - 1);

  it('reduces everything to a scalar and routes the gradient to the maximum', () => {
    const x = tensor([[1, 5, -2], [4, 0, 3]], undefined, { requiresGrad: true });
    const m = max(x);
    expect(m.shape).toEqual([]);
    expect(m.item()).toBe(5);
    m.backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0], [0, 0, 0]]);
  });

  it('reduces one axis, with or without keepdim', () => {
    const x = tensor([[1, 5, -2], [4, 0, 3]]);
    expect(max(x, 0).toArray()).toEqual([4, 5, 3]);
    expect(max(x, 1).toArray()).toEqual([5, 4]);
    expect(max(x, -1, true).toArray()).toEqual([[5], [4]]);
    expect(x.max(0, true).shape).toEqual([1, 3]);
  });

  it('reduces several axes, adjacent or not', () => {
    const data = shuffled(60);
    const x = tensor(data, [3, 4, 5]);
    const at = (a: number, b: number, c: number) => data[(a * 4 + b) * 5 + c]!;
    const overOuter = max(x, [0, 2]).toFloat32Array();
    for (let b = 0; b < 4; b++) {
      let want = -Infinity;
      for (let a = 0; a < 3; a++) for (let c = 0; c < 5; c++) want = Math.max(want, at(a, b, c));
      expect(overOuter[b]).toBe(Math.fround(want));
    }
    expect(max(x, [1, 2], true).shape).toEqual([3, 1, 1]);
  });

  it('splits the gradient evenly among tied maxima, as torch.amax and torch.max(x) do', () => {
    // Expected gradients from PyTorch 1.13 (torch.amax / torch.max on the same values).
    const rows = [[1, 3, 3], [2, 2, 2]];
    const x = tensor(rows, undefined, { requiresGrad: true });
    max(x).backward();
    expect(x.grad!.toArray()).toEqual([[0, 0.5, 0.5], [0, 0, 0]]);
    const y = tensor(rows, undefined, { requiresGrad: true });
    max(y, 1).backward(tensor([1, 6]));
    expect(y.grad!.toArray()).toEqual([[0, 0.5, 0.5], [2, 2, 2]]);
    const z = tensor(rows, undefined, { requiresGrad: true });
    max(z, 1, true).backward(tensor([[1], [6]]));
    expect(z.grad!.toArray()).toEqual([[0, 0.5, 0.5], [2, 2, 2]]);
    const all = tensor([[7, 7], [7, 7]], undefined, { requiresGrad: true });
    max(all).backward();
    expect(all.grad!.toArray()).toEqual([[0.25, 0.25], [0.25, 0.25]]);
  });

  it('splits among the ties of the whole group when the axes are not adjacent', () => {
    // Over dims 0 and 2, column 0 has three 5s (one in one row, two in the other): a third each.
    const values = [[[5, 1], [2, 2], [4, 0]], [[5, 5], [3, 1], [4, 1]]];
    const third = Math.fround(1 / 3);
    const want = [[[third, 0], [0, 0], [1.5, 0]], [[third, third], [2, 0], [1.5, 0]]];
    for (const keepdim of [false, true]) {
      const x = tensor(values, undefined, { requiresGrad: true });
      const upstream = tensor([1, 2, 3], keepdim ? [1, 3, 1] : [3]);
      max(x, [0, 2], keepdim).backward(upstream);
      expect(x.grad!.toArray(), `keepdim ${keepdim}`).toEqual(want);
    }
  });

  it('splits the gradient among the NaNs of a group whose maximum is NaN, as torch.max(x) does', () => {
    const x = tensor([[1, Number.NaN, Number.NaN], [3, 2, 3]], undefined, { requiresGrad: true });
    max(x, 1).backward(tensor([1, 4]));
    expect(x.grad!.toArray()).toEqual([[0, 0.5, 0.5], [2, 0, 2]]);
    const y = tensor([1, Number.NaN, 3, Number.NaN], undefined, { requiresGrad: true });
    max(y).backward();
    expect(y.grad!.toArray()).toEqual([0, 0.5, 0, 0.5]);
  });

  it('gradients match finite differences over every kind of axis set', () => {
    const input = [{ shape: [3, 4, 5], data: shuffled(60) }];
    for (const dim of [0, 1, 2, [0, 2], [1, 2], null] as const) {
      expectGradientsMatchFiniteDifferences((x) => max(x, dim as number | number[] | null), input, { step: 1e-3 });
    }
    expectGradientsMatchFiniteDifferences((x) => max(x, 0, true), [{ shape: [6, 7], data: shuffled(42) }], { step: 1e-3 });
  });

  it('propagates NaN, as torch does', () => {
    expect(max(tensor([1, Number.NaN, 3])).item()).toBeNaN();
    const columns = max(tensor([[1, 2, 3, 4, 5], [Number.NaN, 0, 9, 1, Number.NaN]]), 0).toFloat32Array();
    expect(Array.from(columns)).toEqual([Number.NaN, 2, 9, 4, Number.NaN]);
  });

  it('refuses an empty dimension', () => {
    expect(() => max(tensor([], [2, 0]), 1)).toThrow(/max: cannot take the maximum over an empty dimension of shape \[2, 0\]/);
  });
});

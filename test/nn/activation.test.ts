import { describe, expect, it } from 'vitest';
import { F, nn, tensor } from 'simdgrad';

const x = () => tensor([[-2, -0.5, 0, 0.5, 3]]);

// Adding 0 turns -0 into 0: whether an op yields -0 for a zeroed negative is not part of its contract.
function values(t: { toFloat32Array(): Float32Array }): number[] {
  return Array.from(t.toFloat32Array(), (v) => v + 0);
}

describe('activation modules', () => {
  it('ReLU zeroes negatives', () => {
    expect(values(new nn.ReLU().forward(x()))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('ReLU6, Hardsigmoid, Hardswish and Mish compute their F functions and print as PyTorch', () => {
    const wide = () => tensor([[-4, -2, -0.5, 0, 0.5, 3, 7]]);
    expect(values(new nn.ReLU6().forward(wide()))).toEqual([0, 0, 0, 0, 0.5, 3, 6]);
    expect(values(new nn.Hardsigmoid().forward(wide()))).toEqual(values(tensor([0, 1 / 6, 2.5 / 6, 0.5, 3.5 / 6, 1, 1])));
    expect(values(new nn.Hardswish().forward(wide()))).toEqual(values(F.hardswish(wide())));
    expect(values(new nn.Mish().forward(wide()))).toEqual(values(F.mish(wide())));
    expect([new nn.ReLU6(), new nn.Hardsigmoid(), new nn.Hardswish(), new nn.Mish()].map(String)).toEqual(['ReLU6()', 'Hardsigmoid()', 'Hardswish()', 'Mish()']);
  });

  it('LeakyReLU scales negatives by negativeSlope (default 0.01)', () => {
    expect(values(new nn.LeakyReLU().forward(x()))).toEqual(values(tensor([-0.02, -0.005, 0, 0.5, 3])));
    expect(values(new nn.LeakyReLU(0.2).forward(x()))).toEqual(values(tensor([-0.4, -0.1, 0, 0.5, 3])));
    expect(new nn.LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new nn.LeakyReLU(1).toString()).toBe('LeakyReLU(negative_slope=1.0)');
  });

  it('Sigmoid and Tanh match their definitions', () => {
    const sigmoid = values(new nn.Sigmoid().forward(x()));
    const tanh = values(new nn.Tanh().forward(x()));
    values(x()).forEach((v, i) => {
      expect(sigmoid[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6);
      expect(tanh[i]).toBeCloseTo(Math.tanh(v), 6);
    });
  });

  it('GELU is exact by default and uses the tanh form on request', () => {
    const exact = new nn.GELU();
    const approx = new nn.GELU({ approximate: 'tanh' });
    expect(exact.forward(tensor([1])).item()).toBeCloseTo(0.8413447, 5);
    expect(approx.forward(tensor([1])).item()).toBeCloseTo(0.8411920, 5);
    expect(values(approx.forward(x()))).toEqual(values(F.gelu(x(), { approximate: 'tanh' })));
    expect(exact.toString()).toBe("GELU(approximate='none')");
    expect(approx.toString()).toBe("GELU(approximate='tanh')");
  });

  it('ELU is x above 0 and alpha (e^x - 1) below, alpha 1 by default, as F.elu', () => {
    expect(values(new nn.ELU().forward(x()))).toEqual(values(tensor([Math.expm1(-2), Math.expm1(-0.5), 0, 0.5, 3])));
    expect(values(new nn.ELU({ alpha: 0.5 }).forward(x()))).toEqual(values(F.elu(x(), 0.5)));
    expect(new nn.ELU().toString()).toBe('ELU(alpha=1.0)');
    expect(new nn.ELU({ alpha: 0.25 }).toString()).toBe('ELU(alpha=0.25)');
    expect(() => new nn.ELU({ alpha: NaN })).toThrow('simdgrad: nn.ELU: alpha must be a finite number, got NaN.');
  });

  it('SiLU is x · sigmoid(x), as F.silu', () => {
    const silu = values(new nn.SiLU().forward(x()));
    values(x()).forEach((v, i) => expect(silu[i]).toBeCloseTo(v / (1 + Math.exp(-v)), 6));
    expect(silu).toEqual(values(F.silu(x())));
    expect(new nn.SiLU().toString()).toBe('SiLU()');
  });

  it('Softplus is ln(1 + e^(beta x)) / beta, linear above threshold, as F.softplus with the same options', () => {
    const plain = values(new nn.Softplus().forward(x()));
    values(x()).forEach((v, i) => expect(plain[i]).toBeCloseTo(Math.log1p(Math.exp(v)), 6));
    const sharp = new nn.Softplus({ beta: 2, threshold: 1 });
    expect(values(sharp.forward(x()))).toEqual(values(F.softplus(x(), { beta: 2, threshold: 1 })));
    expect(sharp.forward(tensor([3])).item()).toBe(3);
    expect(new nn.Softplus().toString()).toBe('Softplus(beta=1.0, threshold=20.0)');
    expect(sharp.toString()).toBe('Softplus(beta=2.0, threshold=1.0)');
    expect(() => new nn.Softplus({ beta: 0 })).toThrow('simdgrad: nn.Softplus: beta must not be 0 (the result is divided by it); the default is 1.');
    expect(() => new nn.Softplus({ threshold: Infinity })).toThrow('simdgrad: nn.Softplus: threshold must be a finite number, got Infinity.');
  });

  it('ELU, SiLU and Softplus have no state and pass gradients through, as F.* do', () => {
    for (const [module, fn] of [
      [new nn.ELU({ alpha: 0.7 }), (t: ReturnType<typeof x>) => F.elu(t, 0.7)],
      [new nn.SiLU(), (t: ReturnType<typeof x>) => F.silu(t)],
      [new nn.Softplus({ beta: 1.5 }), (t: ReturnType<typeof x>) => F.softplus(t, { beta: 1.5 })],
    ] as const) {
      expect(module.stateDict().size).toBe(0);
      const a = tensor([[-1.5, 0.25, 2]], undefined, { requiresGrad: true });
      const b = tensor([[-1.5, 0.25, 2]], undefined, { requiresGrad: true });
      module.forward(a).sum().backward();
      fn(b).sum().backward();
      expect(values(a.grad!)).toEqual(values(b.grad!));
      expect(values(a.grad!).every((g) => g !== 0)).toBe(true);
    }
  });

  it('Softmax and LogSoftmax work over the last dim by default, or the one given', () => {
    const logits = tensor([[1, 2, 3], [1, 1, 1]]);
    const rows = new nn.Softmax().forward(logits).toArray() as number[][];
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const total = e[0]! + e[1]! + e[2]!;
    rows[0]!.forEach((p, i) => expect(p).toBeCloseTo(e[i]! / total, 6));
    rows[1]!.forEach((p) => expect(p).toBeCloseTo(1 / 3, 6));
    const columns = new nn.Softmax(0).forward(logits).toArray() as number[][];
    expect(columns[0]![0]).toBeCloseTo(0.5, 6);
    expect(columns[0]![2]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 6);
    const logRows = new nn.LogSoftmax().forward(logits).toArray() as number[][];
    logRows[0]!.forEach((lp, i) => expect(lp).toBeCloseTo(Math.log(e[i]! / total), 5));
    expect(new nn.Softmax().toString()).toBe('Softmax(dim=-1)');
    expect(new nn.LogSoftmax(1).toString()).toBe('LogSoftmax(dim=1)');
  });

  it('have no parameters and pass gradients through', () => {
    const input = tensor([[-1, 2]], undefined, { requiresGrad: true });
    const net = new nn.Sequential(new nn.LeakyReLU(0.1), new nn.Tanh(), new nn.Sigmoid(), new nn.ReLU());
    expect(net.numParameters()).toBe(0);
    net.forward(input).sum().backward();
    expect(values(input.grad!).every((g) => g > 0)).toBe(true);
  });
});

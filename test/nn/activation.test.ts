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

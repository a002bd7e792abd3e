import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, tensor } from 'simdgrad';

function stats(values: Float32Array): { min: number; max: number; mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { min: Math.min(...values), max: Math.max(...values), mean, std: Math.sqrt(variance) };
}

describe('nn.Linear', () => {
  it('has weight [out, in] and bias [out], named as in PyTorch', () => {
    const layer = new nn.Linear(5, 3);
    expect(layer.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [3, 5]], ['bias', [3]]]);
    expect(layer.inFeatures).toBe(5);
    expect(layer.outFeatures).toBe(3);
  });

  it('computes F.linear with its own parameters, also for leading batch dims', () => {
    const layer = new nn.Linear(3, 2);
    const x = tensor([[[1, 2, 3], [-1, 0.5, 2]], [[0, 0, 1], [4, -3, 2]]]);
    const out = layer.forward(x);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.toFloat32Array()).toEqual(F.linear(x, layer.weight, layer.bias).toFloat32Array());
  });

  it('without bias computes x Wᵀ', () => {
    const layer = new nn.Linear(2, 2, { bias: false });
    expect(layer.bias).toBeNull();
    expect(layer.parameters()).toEqual([layer.weight]);
    layer.loadStateDict({ weight: { shape: [2, 2], data: [1, 2, 3, 4] } });
    expect(layer.forward(tensor([[1, 1]])).toArray()).toEqual([[3, 7]]);
  });

  it("initialises like PyTorch: weight and bias uniform in ±1/√inFeatures", () => {
    const layer = new nn.Linear(256, 256);
    const bound = 1 / Math.sqrt(256);
    const weight = stats(layer.weight.toFloat32Array());
    expect(weight.min).toBeGreaterThanOrEqual(-bound);
    expect(weight.max).toBeLessThanOrEqual(bound);
    expect(weight.max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(weight.mean)).toBeLessThan(0.01 * bound);
    expect(weight.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
    const bias = stats(layer.bias!.toFloat32Array());
    expect(bias.min).toBeGreaterThanOrEqual(-bound);
    expect(bias.max).toBeLessThanOrEqual(bound);
    expect(bias.std).toBeGreaterThan(0.5 * (bound / Math.sqrt(3)));
  });

  it('is reproducible under manualSeed', () => {
    manualSeed(123);
    const a = new nn.Linear(7, 4);
    manualSeed(123);
    const b = new nn.Linear(7, 4);
    const c = new nn.Linear(7, 4);
    expect(b.weight.toFloat32Array()).toEqual(a.weight.toFloat32Array());
    expect(b.bias!.toFloat32Array()).toEqual(a.bias!.toFloat32Array());
    expect(c.weight.toFloat32Array()).not.toEqual(a.weight.toFloat32Array());
  });

  it('gives its parameters gradients: dL/db = batch size for L = sum(y)', () => {
    const layer = new nn.Linear(3, 2);
    layer.forward(tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    expect(layer.bias!.grad!.toArray()).toEqual([2, 2]);
    expect(layer.weight.grad!.toArray()).toEqual([[5, 7, 9], [5, 7, 9]]);
  });

  it('prints its settings as PyTorch does', () => {
    expect(new nn.Linear(4, 3).toString()).toBe('Linear(in_features=4, out_features=3, bias=True)');
    expect(new nn.Linear(4, 3, { bias: false }).toString()).toBe('Linear(in_features=4, out_features=3, bias=False)');
  });

  it('refuses feature counts that are not non-negative integers', () => {
    expect(() => new nn.Linear(2.5, 3)).toThrow(/Linear: inFeatures must be a non-negative integer, got 2\.5/);
    expect(() => new nn.Linear(2, -1)).toThrow(/Linear: outFeatures must be a non-negative integer, got -1/);
  });
});

describe('nn.Identity', () => {
  it('returns its input and has no parameters', () => {
    const x = tensor([1, 2, 3]);
    const identity = new nn.Identity();
    expect(identity.forward(x)).toBe(x);
    expect(identity.numParameters()).toBe(0);
    expect(identity.toString()).toBe('Identity()');
  });
});

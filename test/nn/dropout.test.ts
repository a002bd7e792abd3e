import { describe, expect, it } from 'vitest';
import { manualSeed, nn, ones } from 'simdgrad';

describe('nn.Dropout', () => {
  it('in training zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    manualSeed(0);
    const dropout = new nn.Dropout(0.25);
    const out = Array.from(dropout.forward(ones([4000])).toFloat32Array());
    const zeros = out.filter((v) => v === 0).length;
    expect(zeros / out.length).toBeGreaterThan(0.2);
    expect(zeros / out.length).toBeLessThan(0.3);
    out.filter((v) => v !== 0).forEach((v) => expect(v).toBeCloseTo(1 / 0.75, 6));
  });

  it('is the identity after eval()', () => {
    const dropout = new nn.Dropout();
    expect(dropout.p).toBe(0.5);
    dropout.eval();
    expect(Array.from(dropout.forward(ones([100])).toFloat32Array())).toEqual(Array(100).fill(1));
  });

  it('follows the mode of the model it is in', () => {
    const model = new nn.Sequential(new nn.Identity(), new nn.Dropout(0.9));
    model.eval();
    expect(Array.from(model.forward(ones([50])).toFloat32Array())).toEqual(Array(50).fill(1));
    model.train();
    expect(Array.from(model.forward(ones([50])).toFloat32Array())).toContain(0);
  });

  it('prints p as a Python float, as PyTorch does', () => {
    expect(new nn.Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new nn.Dropout(0).toString()).toBe('Dropout(p=0.0, inplace=False)');
  });

  it('refuses a probability outside [0, 1]', () => {
    expect(() => new nn.Dropout(1.5)).toThrow(/Dropout: the probability p must be between 0 and 1, got 1\.5/);
    expect(() => new nn.Dropout(-0.1)).toThrow(/between 0 and 1/);
  });
});

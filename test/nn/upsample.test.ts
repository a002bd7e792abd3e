import { describe, expect, it } from 'vitest';
import { F, nn, tensor } from 'simdgrad';

describe('nn.Upsample', () => {
  const x = () => tensor([[[[1, 2, 3], [4, 5, 6]]]]);

  it('resizes as F.interpolate with its settings, and has no parameters', () => {
    const settings: nn.UpsampleOptions[] = [{ scaleFactor: 2 }, { size: [3, 4], mode: 'bilinear' }, { scaleFactor: [1.5, 2], mode: 'bilinear', alignCorners: true }];
    for (const options of settings) {
      const layer = new nn.Upsample(options);
      expect(layer.parameters()).toEqual([]);
      expect(layer.forward(x()).toFloat32Array()).toEqual(F.interpolate(x(), options).toFloat32Array());
    }
  });

  it('prints as PyTorch does', () => {
    expect(new nn.Upsample({ scaleFactor: 2 }).toString()).toBe("Upsample(scale_factor=2.0, mode='nearest')");
    expect(new nn.Upsample({ size: [5, 7], mode: 'bilinear' }).toString()).toBe("Upsample(size=(5, 7), mode='bilinear')");
    expect(new nn.Upsample({ size: 4 }).toString()).toBe("Upsample(size=4, mode='nearest')");
    expect(new nn.Upsample({ scaleFactor: [2, 1.5] }).toString()).toBe("Upsample(scale_factor=(2.0, 1.5), mode='nearest')");
  });

  it('checks its settings at construction', () => {
    expect(() => new nn.Upsample({})).toThrow(/^simdgrad: Upsample: give exactly one of size and scaleFactor, got neither/);
    expect(() => new nn.Upsample({ scaleFactor: -1 })).toThrow(/^simdgrad: Upsample: scaleFactor must be a positive number/);
    expect(() => new nn.Upsample({ size: 2, alignCorners: false })).toThrow(/^simdgrad: Upsample: alignCorners can only be set with mode 'bilinear'/);
  });
});

import { describe, expect, it } from 'vitest';
import { io, optim, tensor } from 'simdgrad';

describe('encodeTorchOptimizerState / decodeTorchOptimizerState', () => {
  function torchLayoutState() {
    const weight = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const adam = new optim.Adam([weight], { lr: 0.05, betas: [0.8, 0.9] });
    weight.grad = tensor([[1, -1, 1], [-1, 1, -1]]);
    adam.step();
    return adam.stateDict({ format: 'torch' });
  }

  it('writes a safetensors file of state.<index>.<name> tensors with the param groups as JSON metadata, and reads it back', () => {
    const dict = torchLayoutState();
    const bytes = io.encodeTorchOptimizerState(dict);
    const file = io.decodeSafetensors(bytes);
    // In the file in the reference writer's order: by dtype, then by name.
    expect([...file.tensors.keys()]).toEqual(['state.0.exp_avg', 'state.0.exp_avg_sq', 'state.0.step']);
    expect(JSON.parse(file.metadata.param_groups!)).toEqual(dict.param_groups);
    expect(file.metadata.format).toBe('pt');
    expect(io.decodeTorchOptimizerState(bytes)).toEqual(dict);
  });

  it('throws for a file that is not an optimizer state, and for malformed param groups', () => {
    const modelFile = io.encodeSafetensors({ weight: { shape: [1], data: Float32Array.of(1) } });
    expect(() => io.decodeTorchOptimizerState(modelFile)).toThrow("simdgrad: decodeTorchOptimizerState: the file has no 'param_groups' in its metadata");
    const badKey = io.encodeSafetensors({ weight: { shape: [1], data: Float32Array.of(1) } }, { param_groups: '[]' });
    expect(() => io.decodeTorchOptimizerState(badKey)).toThrow("simdgrad: decodeTorchOptimizerState: tensor 'weight' is not named state.<index>.<name>");
    const badGroups = io.encodeSafetensors({}, { param_groups: '{oops' });
    expect(() => io.decodeTorchOptimizerState(badGroups)).toThrow("simdgrad: decodeTorchOptimizerState: the metadata's param_groups must be a JSON list");
    expect(() => io.encodeTorchOptimizerState({} as never)).toThrow('simdgrad: encodeTorchOptimizerState: expected PyTorch');
  });
});

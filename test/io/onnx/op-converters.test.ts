import { describe, expect, it } from 'vitest';
import { exportOnnx, nn } from 'simdgrad';
import { exportedNodes, initializerNames } from '../../helpers/onnx-graph.js';

describe('the ONNX converters of the layers beyond convnets', () => {
  it('embedding: Gather on the weight at the indices cast to int64', () => {
    const bytes = exportOnnx(new nn.Embedding(10, 4, { paddingIdx: 0 }), { inputShape: [2, 3] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Cast', 'Gather']);
    expect(nodes[0]!.inputs).toEqual(['input']);
    expect(nodes[0]!.attributes).toEqual({ to: 7 });
    expect(nodes[1]!.inputs).toEqual(['weight', nodes[0]!.outputs[0]]);
    expect(nodes[1]!.attributes).toEqual({ axis: 0 });
    expect(initializerNames(bytes)).toEqual(['weight']);
    expect(() => exportOnnx(new nn.Embedding(10, 4, { maxNorm: 1 }), { inputShape: [2, 3] })).toThrow(/^simdgrad: exportOnnx: cannot export an embedding with maxNorm/);
  });

  it('relu6: Clip between constants 0 and 6; hardsigmoid: HardSigmoid(1/6, 1/2)', () => {
    const clip = exportedNodes(exportOnnx(new nn.ReLU6(), { inputShape: [2, 3] }));
    expect(clip.map((n) => [n.opType, n.inputs.length])).toEqual([['Clip', 3]]);
    const [hard] = exportedNodes(exportOnnx(new nn.Hardsigmoid(), { inputShape: [2, 3] }));
    expect(hard!.opType).toBe('HardSigmoid');
    expect(hard!.attributes.alpha).toBeCloseTo(1 / 6, 7);
    expect(hard!.attributes.beta).toBe(0.5);
  });

  it('hardswish: HardSwish from opset 14, x · HardSigmoid(x) at 13; mish: Mish at opset 18, x · tanh(softplus(x)) before', () => {
    const types = (model: nn.Module, opset: number) => exportedNodes(exportOnnx(model, { inputShape: [2, 3], opset })).map((n) => n.opType);
    expect(types(new nn.Hardswish(), 17)).toEqual(['HardSwish']);
    expect(types(new nn.Hardswish(), 13)).toEqual(['HardSigmoid', 'Mul']);
    expect(types(new nn.Mish(), 18)).toEqual(['Mish']);
    expect(types(new nn.Mish(), 17)).toEqual(['Softplus', 'Tanh', 'Mul']);
  });

  it('conv1d: a 1-D Conv with its kernel, strides, pads, dilations and group', () => {
    const bytes = exportOnnx(new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }), { inputShape: [2, 4, 11] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(nodes[0]!.inputs).toEqual(['input', 'weight', 'bias']);
    expect(nodes[0]!.attributes).toEqual({ kernel_shape: [3], strides: [2], pads: [1, 1], dilations: [2], group: 2 });
  });

  it('convTranspose2d: ConvTranspose with pads on all four sides and output_padding', () => {
    const layer = new nn.ConvTranspose2d(4, 6, [3, 2], { stride: 2, padding: [1, 0], outputPadding: [1, 0], dilation: [1, 2], groups: 2 });
    const [node] = exportedNodes(exportOnnx(layer, { inputShape: [1, 4, 5, 5] }));
    expect(node!.opType).toBe('ConvTranspose');
    expect(node!.inputs).toEqual(['input', 'weight', 'bias']);
    expect(node!.attributes).toEqual({ kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 0], output_padding: [1, 0], dilations: [1, 2], group: 2 });
  });

  it('groupNorm: InstanceNormalization over [N, groups, rest], reshaped back, then the per-channel weight and bias', () => {
    const bytes = exportOnnx(new nn.GroupNorm(3, 6, { eps: 1e-3 }), { inputShape: [2, 6, 4, 5] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Reshape', 'InstanceNormalization', 'Reshape', 'Reshape', 'Mul', 'Reshape', 'Add']);
    expect(nodes[1]!.attributes.epsilon).toBeCloseTo(1e-3, 9);
    expect(nodes[3]!.inputs[0]).toBe('weight');
    expect(nodes[5]!.inputs[0]).toBe('bias');
    expect(exportedNodes(exportOnnx(new nn.GroupNorm(3, 6, { affine: false }), { inputShape: [2, 6, 4] })).map((n) => n.opType)).toEqual(['Reshape', 'InstanceNormalization', 'Reshape']);
  });

  it('interpolate: Resize with scales for a scale factor, and with sizes from the input shape for a size', () => {
    const [nearest] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2 }), { inputShape: [1, 2, 3, 4] }));
    expect(nearest!.opType).toBe('Resize');
    expect(nearest!.inputs.slice(1, 2)).toEqual(['']);
    expect(nearest!.attributes).toEqual({ mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    const sized = exportedNodes(exportOnnx(new nn.Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }), { inputShape: [1, 2, 3, 4] }));
    expect(sized.map((n) => n.opType)).toEqual(['Shape', 'Slice', 'Concat', 'Resize']);
    expect(sized[3]!.inputs.slice(1, 3)).toEqual(['', '']);
    expect(sized[3]!.attributes).toEqual({ mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    const [halfPixel] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), { inputShape: [1, 2, 3, 4] }));
    expect(halfPixel!.attributes).toEqual({ mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' });
    const [exact] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2, mode: 'nearest-exact' }), { inputShape: [1, 2, 3, 4] }));
    expect(exact!.attributes).toEqual({ mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' });
    const recomputed = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 1.7, recomputeScaleFactor: true }), { inputShape: [1, 2, 3, 4] }));
    expect(recomputed.map((n) => n.opType)).toEqual(['Shape', 'Slice', 'Concat', 'Resize']);
  });
});

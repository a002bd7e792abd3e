import { describe, expect, it } from 'vitest';
import { F, manualSeed, mul, nn, tensor, type Tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

describe('nn.Sequential', () => {
  it('chains its modules', () => {
    const first = new nn.Linear(3, 4);
    const second = new nn.Linear(4, 2);
    const model = new nn.Sequential(first, new nn.ReLU(), second);
    const x = tensor([[1, -1, 2], [0.5, 0.5, -3]]);
    const expected = second.forward(F.relu(first.forward(x)));
    expect(model.forward(x).toFloat32Array()).toEqual(expected.toFloat32Array());
  });

  it("names children '0', '1', ... so nested parameters get PyTorch's names", () => {
    const model = new nn.Sequential(
      new nn.Flatten(),
      new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU()),
      new nn.Dropout(),
      new nn.Linear(8, 2),
    );
    expect(model.namedParameters().map(([name]) => name)).toEqual(['1.0.weight', '1.0.bias', '3.weight', '3.bias']);
    expect(model.namedChildren().map(([name]) => name)).toEqual(['0', '1', '2', '3']);
  });

  it('indexes with at() (negative from the end), grows with append(), and iterates', () => {
    const relu = new nn.ReLU();
    const linear = new nn.Linear(2, 2);
    const model = new nn.Sequential(relu);
    expect(model.append(linear)).toBe(model);
    expect(model.length).toBe(2);
    expect(model.at(0)).toBe(relu);
    expect(model.at(-1)).toBe(linear);
    expect([...model]).toEqual([relu, linear]);
    expect(model.namedParameters().map(([name]) => name)).toEqual(['1.weight', '1.bias']);
    expect(() => model.at(2)).toThrow(/Sequential\.at\(2\): index out of range for 2 modules \(valid: -2\.\.1\)/);
  });

  it('prints a LeNet exactly as PyTorch prints the same nn.Sequential', () => {
    const lenet = new nn.Sequential(
      new nn.Sequential(new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2)),
      new nn.Sequential(new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.AvgPool2d(2)),
      new nn.Flatten(),
      new nn.Linear(400, 120),
      new nn.LeakyReLU(),
      new nn.Dropout(0.25),
      new nn.Linear(120, 84),
      new nn.GELU(),
      new nn.LayerNorm(84),
      new nn.Linear(84, 10, { bias: false }),
      new nn.LogSoftmax(1),
    );
    expect(lenet.toString()).toBe(
      [
        'Sequential(',
        '  (0): Sequential(',
        '    (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
        '    (1): BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '    (2): ReLU()',
        '    (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
        '  )',
        '  (1): Sequential(',
        '    (0): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))',
        '    (1): ReLU()',
        '    (2): AvgPool2d(kernel_size=2, stride=2, padding=0)',
        '  )',
        '  (2): Flatten(start_dim=1, end_dim=-1)',
        '  (3): Linear(in_features=400, out_features=120, bias=True)',
        '  (4): LeakyReLU(negative_slope=0.01)',
        '  (5): Dropout(p=0.25, inplace=False)',
        '  (6): Linear(in_features=120, out_features=84, bias=True)',
        "  (7): GELU(approximate='none')",
        '  (8): LayerNorm((84,), eps=1e-05, elementwise_affine=True)',
        '  (9): Linear(in_features=84, out_features=10, bias=False)',
        '  (10): LogSoftmax(dim=1)',
        ')',
      ].join('\n'),
    );
  });

  it('gives every parameter of an MLP a gradient after backward', () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 8), new nn.Tanh(), new nn.Linear(8, 3));
    const x = tensor([[1, 2, 3, 4], [-1, 0.5, 0, 2], [0.1, -0.2, 0.3, -0.4]]);
    model.forward(x).sum().backward();
    for (const [name, p] of model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape, name).toEqual(p.shape);
      expect(Array.from(p.grad!.toFloat32Array()).some((g) => g !== 0), name).toBe(true);
    }
    // d(sum of outputs)/d(last bias) is the batch size for every output.
    expect(model.at(-1).parameters()[1]!.grad!.toArray()).toEqual([3, 3, 3]);
  });

  describe('runs a Linear or a Conv2d followed by a ReLU as one fused op', () => {
    const x = () => tensor([[1, -2, 3, 0.5], [-1, 0.5, 0, 2], [0.1, -0.2, 0.3, -0.4]], [3, 4], { requiresGrad: true });

    function gradients(forward: (input: Tensor) => Tensor, linear: nn.Linear) {
      const input = x();
      const out = forward(input);
      out.backward(tensor([[1, -1, 2, 0.5, 3], [0.25, 1, -2, 1, -1], [2, 2, -1, 0.5, 1]]));
      const result = {
        out: Array.from(out.toFloat32Array()),
        input: Array.from(input.grad!.toFloat32Array()),
        weight: Array.from(linear.weight.grad!.toFloat32Array()),
        bias: Array.from(linear.bias!.grad!.toFloat32Array()),
      };
      linear.zeroGrad();
      return result;
    }

    it('with the same output and gradients as the two ops one after the other', () => {
      manualSeed(3);
      const linear = new nn.Linear(4, 5);
      const model = new nn.Sequential(linear, new nn.ReLU());
      const fused = gradients((input) => model.forward(input), linear);
      const separate = gradients((input) => F.relu(F.linear(input, linear.weight, linear.bias)), linear);
      expect(model.forward(x()).gradFn!.op).toBe('linearRelu');
      expect(fused.out.some((v) => v === 0) && fused.out.some((v) => v > 0)).toBe(true);
      expect(fused).toEqual(separate);
    });

    it('whose input gradient matches finite differences, with and without a bias', () => {
      // Pre-activations stay at least 0.1 from the ReLU's kink: ten times what a difference step moves them.
      const weight = tensor([[1, -0.5, 0.25], [-1, 1, 0.5], [0.5, 0.5, -1], [-0.25, -1, 1]]);
      const input = { shape: [2, 3], data: [0.9, -0.7, 0.4, -0.3, 0.8, 0.6] };
      for (const bias of [true, false]) {
        const model = new nn.Sequential(new nn.Linear(3, 4, { bias }), new nn.ReLU());
        model.loadStateDict(bias ? { '0.weight': weight, '0.bias': tensor([0.1, -0.1, 0.2, -0.2]) } : { '0.weight': weight });
        expectGradientsMatchFiniteDifferences((x) => model.forward(x), [input]);
      }
    });

    it('for Conv2d with the same output and gradients as the two ops one after the other', () => {
      manualSeed(11);
      const conv = new nn.Conv2d(2, 3, 3, { padding: 1, stride: 2 });
      const model = new nn.Sequential(conv, new nn.ReLU());
      const image = () => tensor(Array.from({ length: 2 * 2 * 5 * 5 }, (_, i) => Math.sin(0.7 * i)), [2, 2, 5, 5], { requiresGrad: true });
      const run = (forward: (input: Tensor) => Tensor) => {
        const input = image();
        const out = forward(input);
        out.backward(tensor(Array.from({ length: out.size }, (_, i) => Math.cos(1.3 * i)), [...out.shape]));
        const result = [out, input.grad!, conv.weight.grad!, conv.bias!.grad!].map((t) => Array.from(t.toFloat32Array()));
        conv.zeroGrad();
        return result;
      };
      const fused = run((input) => model.forward(input));
      const separate = run((input) => F.relu(conv.forward(input)));
      expect(model.forward(image()).gradFn!.op).toBe('conv2dRelu');
      expect(fused[0]!.some((v) => v === 0) && fused[0]!.some((v) => v > 0)).toBe(true);
      expect(fused).toEqual(separate);
    });

    it('but not a subclass of Linear, whose own forward runs', () => {
      class Doubled extends nn.Linear {
        override forward(input: Tensor): Tensor {
          return mul(super.forward(input), tensor(2));
        }
      }
      const layer = new Doubled(4, 5);
      const model = new nn.Sequential(layer, new nn.ReLU());
      const expected = F.relu(mul(F.linear(x(), layer.weight, layer.bias), tensor(2)));
      expect(model.forward(x()).gradFn!.op).toBe('relu');
      expect(model.forward(x()).toFloat32Array()).toEqual(expected.toFloat32Array());
    });
  });
});

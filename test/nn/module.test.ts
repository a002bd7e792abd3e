import { describe, expect, it } from 'vitest';
import { F, memory, nn, tensor, tidy, zeros, type Tensor } from 'simdgrad';

class TwoLayerNet extends nn.Module {
  fc1 = this.registerModule('fc1', new nn.Linear(4, 3));
  fc2 = this.registerModule('fc2', new nn.Linear(3, 2));

  forward(x: Tensor): Tensor {
    return this.fc2.forward(F.relu(this.fc1.forward(x)));
  }
}

class Scaler extends nn.Module {
  scale = this.registerParameter('scale', tensor([2]));
  runningMax = this.registerBuffer('runningMax', tensor([0]));
  calls = this.registerBuffer('calls', tensor([0]), { persistent: false });

  forward(x: Tensor): Tensor {
    return x.mul(this.scale);
  }
}

describe('Module', () => {
  it('names parameters of registered submodules with dotted paths', () => {
    const net = new TwoLayerNet();
    expect(net.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([
      ['fc1.weight', [3, 4]],
      ['fc1.bias', [3]],
      ['fc2.weight', [2, 3]],
      ['fc2.bias', [2]],
    ]);
    expect(net.parameters()).toEqual([net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias]);
    expect(net.numParameters()).toBe(3 * 4 + 3 + 2 * 3 + 2);
    expect(net.children()).toEqual([net.fc1, net.fc2]);
    expect(net.namedModules().map(([name]) => name)).toEqual(['', 'fc1', 'fc2']);
    expect(net.modules()).toEqual([net, net.fc1, net.fc2]);
  });

  it('makes parameters leaves that require grad and survive tidy()', () => {
    const net = tidy(() => new TwoLayerNet());
    for (const p of net.parameters()) {
      expect(p.requiresGrad).toBe(true);
      expect(p.isLeaf).toBe(true);
      expect(p.isDisposed).toBe(false);
    }
    const before = net.fc1.weight.toFloat32Array();
    tidy(() => net.forward(tensor([[1, 2, 3, 4]])));
    expect(net.fc1.weight.toFloat32Array()).toEqual(before);
  });

  it('runs a custom forward through its submodules', () => {
    const net = new TwoLayerNet();
    const x = tensor([[1, -2, 3, 0.5]]);
    const hidden = F.relu(F.linear(x, net.fc1.weight, net.fc1.bias));
    const expected = F.linear(hidden, net.fc2.weight, net.fc2.bias).toFloat32Array();
    expect(net.forward(x).toFloat32Array()).toEqual(expected);
  });

  it('lists buffers, and saves only persistent ones in the state dict', () => {
    const scaler = new Scaler();
    expect(scaler.namedBuffers().map(([name]) => name)).toEqual(['runningMax', 'calls']);
    expect(scaler.buffers().every((b) => !b.requiresGrad)).toBe(true);
    expect([...scaler.stateDict().keys()]).toEqual(['scale', 'runningMax']);
    const outer = new nn.Sequential(new nn.Linear(1, 1), scaler);
    expect([...outer.stateDict().keys()]).toEqual(['0.weight', '0.bias', '1.scale', '1.runningMax']);
    expect(outer.namedBuffers().map(([name]) => name)).toEqual(['1.runningMax', '1.calls']);
  });

  it('lists a shared layer once in parameters() but under each name in the state dict', () => {
    const shared = new nn.Linear(2, 2);
    const net = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect(net.namedParameters().map(([name]) => name)).toEqual(['0.weight', '0.bias']);
    expect(net.numParameters()).toBe(6);
    expect([...net.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('propagates train() and eval() to every descendant', () => {
    const inner = new nn.Sequential(new nn.Dropout(0.5));
    const net = new nn.Sequential(new nn.Linear(2, 2), inner);
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().map((m) => m.training)).toEqual([false, false, false, false]);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(inner.at(0).training).toBe(false);
  });

  it('zeroGrad() frees gradients, or zeroes them in place with setToNone: false', () => {
    const net = new TwoLayerNet();
    net.forward(tensor([[1, 2, 3, 4]])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    const grad = net.fc2.bias.grad!;
    net.zeroGrad({ setToNone: false });
    expect(net.fc2.bias.grad).toBe(grad);
    expect(Array.from(grad.toFloat32Array())).toEqual([0, 0]);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    expect(grad.isDisposed).toBe(true);
  });

  it('dispose() frees every parameter, gradient and buffer', () => {
    const before = memory();
    const net = new nn.Sequential(new TwoLayerNet(), new Scaler());
    tidy(() => net.forward(tensor([[1, 2, 3, 4]])).sum().backward());
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.dispose();
    expect(net.parameters().every((p) => p.isDisposed && p.grad === null)).toBe(true);
    expect(net.buffers().every((b) => b.isDisposed)).toBe(true);
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it('refuses a parameter computed by an op, and names already taken', () => {
    class Bad extends nn.Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const bad = new Bad();
    const leaf = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => bad.registerParameter('w', leaf.mul(2))).toThrow(/Bad\.registerParameter\('w'\): the tensor was computed by an op \('mul'\), but a parameter must be a leaf/);
    expect(() => bad.registerParameter('a.b', zeros([1]))).toThrow(/registerParameter\('a\.b'\): a member name must be a non-empty string without '\.'/);
    bad.registerModule('layer', new nn.ReLU());
    expect(() => bad.registerParameter('layer', zeros([1]))).toThrow(/'layer' is already a submodule of this module; choose another name/);
  });

  it('prints the module tree as PyTorch does', () => {
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Sequential(new nn.Dropout(0.25), new nn.Linear(3, 2, { bias: false })));
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=4, out_features=3, bias=True)',
        '  (1): ReLU()',
        '  (2): Sequential(',
        '    (0): Dropout(p=0.25, inplace=False)',
        '    (1): Linear(in_features=3, out_features=2, bias=False)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('prints its own settings above its children, one line each, as PyTorch does', () => {
    class Block extends nn.Module {
      readonly fc = this.registerModule('fc', new nn.Linear(2, 2));
      constructor(private readonly settings: string) {
        super();
      }
      override extraRepr(): string {
        return this.settings;
      }
      forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
    }
    class Scaled extends nn.Module {
      override extraRepr(): string {
        return 'scale=2.0\nshift=None';
      }
      forward(x: Tensor): Tensor {
        return x.mul(2);
      }
    }
    expect(new Block('width=2').toString()).toBe(['Block(', '  width=2', '  (fc): Linear(in_features=2, out_features=2, bias=True)', ')'].join('\n'));
    expect(new Block('').toString()).toBe(['Block(', '  (fc): Linear(in_features=2, out_features=2, bias=True)', ')'].join('\n'));
    expect(new Scaled().toString()).toBe(['Scaled(', '  scale=2.0', '  shift=None', ')'].join('\n'));
    expect(new nn.Sequential(new Scaled()).toString()).toBe(['Sequential(', '  (0): Scaled(', '    scale=2.0', '    shift=None', '  )', ')'].join('\n'));
  });
});

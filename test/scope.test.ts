import { describe, expect, it } from 'vitest';
import { keep, memory, nn, noGrad, rand, tensor, tidy, zeros, type Tensor } from 'simdgrad';

describe('tidy', () => {
  it('frees everything fn created when fn throws, then rethrows', () => {
    const before = memory();
    expect(() =>
      tidy(() => {
        rand([1000]);
        rand([10, 10]).mul(2);
        throw new Error('a failing step');
      }),
    ).toThrow('a failing step');
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it('frees what a backward pass allocated when it fails inside tidy', () => {
    const x = rand([64, 32], { requiresGrad: true });
    const before = memory();
    expect(() =>
      tidy(() => {
        const y = x.mul(x).sum();
        y.backward();
        y.backward();
      }),
    ).toThrow(/backward through 'sum' a second time/);
    x.grad!.dispose();
    x.grad = null;
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it('keeps returned tensors at any depth: arrays, objects, Maps and Sets', () => {
    const [deep, inMap, inSet] = tidy(() => {
      const a = zeros([2]).add(1);
      const b = zeros([2]).add(2);
      const c = zeros([2]).add(3);
      rand([5]);
      return [{ x: [[{ y: [[[a]]] }]] }, new Map([['b', b]]), new Set([c])] as const;
    });
    const a = deep.x[0]![0]!.y[0]![0]![0]!;
    expect(a.toArray()).toEqual([1, 1]);
    expect(inMap.get('b')!.toArray()).toEqual([2, 2]);
    expect([...inSet][0]!.toArray()).toEqual([3, 3]);
  });

  it('refuses an async fn before running it', () => {
    let ran = false;
    expect(() => tidy((async () => { ran = true; }) as never)).toThrow(/simdgrad: tidy\(fn\): fn is async \(or returned a Promise\)/);
    expect(ran).toBe(false);
  });

  it('frees what fn created before it returned a Promise, and refuses it', () => {
    const before = memory();
    expect(() => tidy((() => { rand([100]); return Promise.resolve(1); }) as never)).toThrow(/fn is async \(or returned a Promise\)/);
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it('leaves kept tensors alone', () => {
    const kept = tidy(() => {
      keep(zeros([3]));
      return null;
    });
    expect(kept).toBeNull();
    expect(memory({ detail: true }).byOp!.find((g) => g.op === 'zeros')?.tensors).toBeGreaterThanOrEqual(1);
  });
});

describe('Module.forward frees what nothing can reach', () => {
  it('leaves only the output of a Sequential forward alive under noGrad, and frees the graph with it otherwise', () => {
    const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 2));
    const x = rand([4, 8]);
    const before = memory();
    const out = noGrad(() => model.forward(x));
    expect(memory().tensors).toBe(before.tensors + 1);
    out.dispose();
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
    const withGraph = model.forward(x);
    withGraph.dispose();
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it('keeps tensors a custom forward stores on the module, and still backpropagates', () => {
    class Probe extends nn.Module {
      fc = this.registerModule('fc', new nn.Linear(3, 3));
      lastHidden: Tensor | null = null;
      history: Tensor[] = [];
      forward(x: Tensor): Tensor {
        const hidden = this.fc.forward(x).relu();
        this.lastHidden = hidden;
        this.history.push(hidden.sum());
        return hidden.mul(2).sum();
      }
    }
    const probe = new Probe();
    const loss = probe.forward(tensor([[1, 2, 3]]));
    expect(probe.lastHidden!.isDisposed).toBe(false);
    expect(probe.history[0]!.isDisposed).toBe(false);
    loss.backward();
    expect(probe.fc.weight.grad!.shape).toEqual([3, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { memory, mul, optim, sum, tensor, tidy, type Tensor } from 'simdgrad';
import { gradients, setGrad, values } from './reference.js';

const parameter = (data: number[], shape = [data.length]): Tensor => tensor(data, shape, { requiresGrad: true });
const read = (t: Tensor): number[] => Array.from(t.toFloat32Array());

const optimizers: Record<string, (params: Tensor[]) => optim.Optimizer> = {
  'SGD with momentum': (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1 }),
  'Adam with AMSGrad': (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true }),
  AdamW: (p) => new optim.AdamW(p, { lr: 0.01 }),
  'RMSprop centered with momentum': (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
  'Adagrad with lr decay': (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.1 }),
};

describe('the update loop', () => {
  it('uses the gradients backward() accumulates', () => {
    const w = parameter([1, -2, 3]);
    const optimizer = new optim.SGD([w], { lr: 0.5 });
    sum(mul(w, w)).backward();
    optimizer.step();
    expect(read(w)).toEqual([0, 0, 0]);
  });

  it('skips parameters whose grad is null and gives them no state', () => {
    const a = parameter([1, 2]);
    const b = parameter([3, 4]);
    const optimizer = new optim.Adam([a, b], { lr: 0.1 });
    setGrad(a, [1, 1]);
    optimizer.step();
    expect(read(b)).toEqual([3, 4]);
    expect(Object.keys(optimizer.stateDict().state)).toEqual(['0']);
  });

  it('applies each param group’s own options', () => {
    const body = parameter([1, 1]);
    const head = parameter([1, 1]);
    const optimizer = new optim.SGD([{ params: [body] }, { params: [head], lr: 0.5 }], { lr: 0.1 });
    setGrad(body, [1, 2]);
    setGrad(head, [1, 2]);
    optimizer.step();
    expect(read(body)).toEqual([Math.fround(0.9), Math.fround(0.8)]);
    expect(read(head)).toEqual([0.5, 0]);
  });

  it('keeps its state alive across tidy() and frees it on dispose()', () => {
    const w = parameter(values(100, 1));
    setGrad(w, values(100, 2));
    const optimizer = new optim.Adam([w], { amsgrad: true });
    tidy(() => optimizer.step());
    const withState = memory();
    tidy(() => optimizer.step());
    expect(memory().tensors).toBe(withState.tensors);
    expect(optimizer.stateDict().state[0]!.step).toBe(2);
    optimizer.dispose();
    expect(memory().tensors).toBe(withState.tensors - 3);
    expect(() => optimizer.step()).toThrow(/Adam.step\(\): this optimizer was disposed/);
  });
});

describe('zeroGrad', () => {
  it("frees the gradients by default, as PyTorch's set_to_none=True", () => {
    const a = parameter([1, 2]);
    const b = parameter([3]);
    setGrad(a, [1, 2]);
    const gradOfA = a.grad!;
    const tensorsBefore = memory().tensors;
    new optim.Adam([a, b], { lr: 0.1 }).zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    expect(gradOfA.isDisposed).toBe(true);
    expect(memory().tensors).toBe(tensorsBefore - 1);
  });

  it('with setToNone: false zeroes them in place, in one kernel call that allocates no tensor', () => {
    const a = parameter([1, 2, 3, 4, 5]);
    const b = parameter([6]);
    const c = parameter([7]);
    setGrad(a, [1, 2, 3, 4, 5]);
    setGrad(b, [6]);
    const gradOfA = a.grad;
    const tensorsBefore = memory().tensors;
    const optimizer = new optim.SGD([a, b, c], { lr: 0.1 });
    optimizer.zeroGrad({ setToNone: false });
    expect(memory().tensors).toBe(tensorsBefore);
    expect(a.grad).toBe(gradOfA);
    expect(read(a.grad!)).toEqual([0, 0, 0, 0, 0]);
    expect(read(b.grad!)).toEqual([0]);
    expect(c.grad).toBeNull();
    // The kernel's table of gradients is the optimizer's own, kept between calls.
    setGrad(b, [3]);
    const warm = memory();
    optimizer.zeroGrad({ setToNone: false });
    expect(memory()).toEqual(warm);
    expect(read(b.grad!)).toEqual([0]);
    optimizer.dispose();
    expect(() => optimizer.zeroGrad()).toThrow(/SGD\.zeroGrad\(\): this optimizer was disposed/);
  });
});

describe('a gradient with NaN or Infinity', () => {
  it('makes step() throw, naming the parameter, and changes nothing', () => {
    const a = parameter([1, 2]);
    const b = parameter([1, 2, 3, 4], [2, 2]);
    const optimizer = new optim.Adam([a, b], { lr: 0.1 });
    setGrad(a, [0.5, 0.5]);
    setGrad(b, [0.5, 0.5, 0.5, 0.5]);
    optimizer.step();
    const saved = optimizer.stateDict();
    const [valuesOfA, valuesOfB] = [read(a), read(b)];
    setGrad(b, [0.5, Number.NaN, 0.5, 0.5]);
    expect(() => optimizer.step()).toThrow(
      /Adam.step\(\): parameter 1 \(shape \[2, 2\], param group 0\): its gradient contains NaN or Infinity, so no parameter was changed.*lower the learning rate \(lr is 0.1\) or clip gradients with optim.clipGradNorm/,
    );
    setGrad(b, [0.5, Infinity, 0.5, 0.5]);
    expect(() => optimizer.step()).toThrow(/parameter 1 .*NaN or Infinity/);
    expect(read(a)).toEqual(valuesOfA);
    expect(read(b)).toEqual(valuesOfB);
    expect(optimizer.stateDict()).toEqual(saved);
  });

  it('throws for a gradient of the wrong shape', () => {
    const w = parameter([1, 2, 3, 4], [2, 2]);
    w.grad = tensor([1, 2, 3, 4], [4]);
    expect(() => new optim.SGD([w], { lr: 0.1 }).step()).toThrow(/SGD.step\(\): parameter 0 \(shape \[2, 2\], param group 0\) has a .grad of shape \[4\]/);
  });
});

describe('param groups', () => {
  it('validate an lr assigned by the user or a scheduler', () => {
    const optimizer = new optim.Adam([parameter([1])], { lr: 0.01 });
    const group = optimizer.paramGroups[0]!;
    group.lr = 0.5;
    expect(group.lr).toBe(0.5);
    expect(() => (group.lr = -1)).toThrow(/Adam: lr must be a finite number >= 0, got -1/);
    expect(() => (group.betas = [0.9, 1])).toThrow(/betas must be two numbers in \[0, 1\)/);
    expect(group.lr).toBe(0.5);
    expect(() => ((group as unknown as Record<string, number>).learningRate = 1)).toThrow(TypeError);
  });

  it('can be added later', () => {
    const optimizer = new optim.SGD([parameter([1])], { lr: 0.1, momentum: 0.9 });
    optimizer.addParamGroup({ params: [parameter([2])], lr: 0.01 });
    expect(optimizer.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.9], [0.01, 0.9]]);
  });

  it('reject empty, repeated and computed parameters', () => {
    const w = parameter([1, 2]);
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/SGD: params must be an array of tensors .*; got an empty list/);
    expect(() => new optim.SGD([w, w], { lr: 0.1 })).toThrow(/SGD: param group 0: a parameter of shape \[2\] appears more than once/);
    expect(() => new optim.SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 })).toThrow(/param group 1: a parameter of shape \[2\] appears more than once/);
    expect(() => new optim.SGD([mul(w, 2)], { lr: 0.1 })).toThrow(/cannot optimize a tensor computed by an op/);
    expect(() => new optim.SGD(w as unknown as Tensor[], { lr: 0.1 })).toThrow(/params must be an array of tensors/);
  });
});

describe('stateDict and loadStateDict', () => {
  for (const [name, make] of Object.entries(optimizers)) {
    it(`${name}: a fresh optimizer loaded from JSON continues identically`, () => {
      const grads = gradients(6, 7, 4);
      const original = [parameter(values(7, 1)), parameter(values(3, 2), [3, 1])];
      const first = make(original);
      const stepBoth = (params: Tensor[], optimizer: optim.Optimizer, t: number) => {
        setGrad(params[0]!, grads[t]!);
        setGrad(params[1]!, grads[t]!.slice(0, 3));
        optimizer.step();
      };
      for (let t = 0; t < 3; t++) stepBoth(original, first, t);
      const json = JSON.stringify(first.stateDict());
      const copy = original.map((p) => parameter(read(p), [...p.shape]));
      const second = make(copy);
      second.loadStateDict(JSON.parse(json) as optim.OptimizerStateDict);
      expect(second.stateDict()).toEqual(first.stateDict());
      for (let t = 3; t < 6; t++) {
        stepBoth(original, first, t);
        stepBoth(copy, second, t);
      }
      expect(copy.map(read)).toEqual(original.map(read));
    });
  }

  it('restores hyper-parameters, including a scheduled lr', () => {
    const first = new optim.SGD([parameter([1])], { lr: 0.1, momentum: 0.9 });
    first.paramGroups[0]!.lr = 0.025;
    const second = new optim.SGD([parameter([1])], { lr: 0.1 });
    second.loadStateDict(first.stateDict());
    expect(second.paramGroups[0]!.lr).toBe(0.025);
    expect(second.paramGroups[0]!.momentum).toBe(0.9);
  });

  it('rejects a state that does not fit, changing nothing', () => {
    const w = parameter([1, 2, 3]);
    const optimizer = new optim.Adam([w], { lr: 0.1 });
    setGrad(w, [1, 1, 1]);
    optimizer.step();
    const saved = optimizer.stateDict();
    const variant = (change: (dict: optim.OptimizerStateDict) => void): optim.OptimizerStateDict => {
      const dict = JSON.parse(JSON.stringify(saved)) as optim.OptimizerStateDict;
      change(dict);
      return dict;
    };
    const cases: [optim.OptimizerStateDict, RegExp][] = [
      [variant((d) => d.state[0]!.buffers.expAvg!.pop()), /Adam.loadStateDict\(\): state buffer 'expAvg' of parameter 0 has 2 values, but the parameter has shape \[3\] \(3 numbers\)/],
      [variant((d) => (d.state[0]!.buffers.momentumBuffer = [0, 0, 0])), /parameter 0 has a state buffer 'momentumBuffer', but Adam keeps only \[expAvg, expAvgSq, maxExpAvgSq\]/],
      [variant((d) => d.paramGroups.push({ ...d.paramGroups[0]!, params: [1] })), /the state dict has 2 param groups but this optimizer has 1/],
      [variant((d) => d.paramGroups[0]!.params.push(1)), /param group 0 has 2 parameters in the state dict but 1 in this optimizer/],
      [variant((d) => (d.paramGroups[0]!.lr = -1)), /Adam: lr must be a finite number >= 0, got -1/],
      [variant((d) => (d.paramGroups[0]!.momentum = 0.9)), /param group 0 has hyper-parameters \[.*momentum.*\] but Adam has \[lr, betas, eps, weightDecay, amsgrad, maximize\]/],
      [variant((d) => (d.state[0]!.step = -1)), /the state of parameter 0 must be \{ step: integer >= 0/],
      [variant((d) => (d.state[5] = d.state[0]!)), /state for parameter 5, which none of its param groups lists/],
      [{} as optim.OptimizerStateDict, /expected an object \{ state, paramGroups \}/],
      [variant((d) => (d.state[0]!.buffers.expAvgSq![2] = Number.NaN)), /Adam.loadStateDict\(\): value 2 of state buffer 'expAvgSq' of parameter 0 is NaN\. Every value must be a finite number/],
      [variant((d) => (d.state[0]!.buffers.expAvg![0] = -Infinity)), /value 0 of state buffer 'expAvg' of parameter 0 is -Infinity\. Every value must be a finite number/],
      [variant((d) => (d.state[0]!.buffers.expAvg![1] = 1e39)), /value 1 of state buffer 'expAvg' of parameter 0 is 1e\+39, beyond float32's range/],
      [variant((d) => (d.state[0]!.buffers.expAvg![1] = '0.5' as unknown as number)), /value 1 of state buffer 'expAvg' of parameter 0 is the string "0\.5", not a number/],
      [variant((d) => (d.state[0]!.buffers.expAvg![1] = null as unknown as number)), /value 1 of state buffer 'expAvg' of parameter 0 is null, not a number/],
      [variant((d) => (d.state[0]!.step = Number.NaN)), /the state of parameter 0 must be \{ step: integer >= 0/],
    ];
    for (const [dict, message] of cases) {
      expect(() => optimizer.loadStateDict(dict)).toThrow(message);
      expect(optimizer.stateDict()).toEqual(saved);
    }
  });

  it('refuses NaN in the last buffer of the last parameter, leaving every state and hyper-parameter as it was', () => {
    const params = [parameter([1, 2, 3]), parameter([4, 5])];
    const optimizer = new optim.Adam(params, { lr: 0.1, amsgrad: true });
    setGrad(params[0]!, [1, 1, 1]);
    setGrad(params[1]!, [0.5, -0.5]);
    optimizer.step();
    const saved = optimizer.stateDict();
    const dict = JSON.parse(JSON.stringify(saved)) as optim.OptimizerStateDict;
    dict.paramGroups[0]!.lr = 0.5;
    dict.state[0]!.step = 7;
    dict.state[1]!.buffers.maxExpAvgSq![1] = Number.NaN;
    expect(() => optimizer.loadStateDict(dict)).toThrow(/value 1 of state buffer 'maxExpAvgSq' of parameter 1 is NaN/);
    expect(optimizer.stateDict()).toEqual(saved);
    expect(optimizer.paramGroups[0]!.lr).toBe(0.1);
  });
});

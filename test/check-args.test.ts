// Drives every exported function, module and optimizer with bad arguments: each call either
// works or throws a `simdgrad:` Error, and memory is back where it was afterwards. A new export
// is swept automatically; a new class needs a line in CONSTRUCTIBLE saying how to build it.
import { describe, expect, it } from 'vitest';
import * as sg from 'simdgrad';
import { data, F, io, memory, nn, optim, rand, tensor, Tensor } from 'simdgrad';

type AnyFunction = (...args: unknown[]) => unknown;
type AnyClass = new (...args: unknown[]) => unknown;

function disposedTensor(): Tensor {
  const t = rand([2, 3]);
  t.dispose();
  return t;
}

const BAD_VALUES: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a string', () => 'abc'],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['an empty object', () => ({})],
  ['a function', () => () => 1],
  ['a Float32Array', () => new Float32Array(3)],
  ['a ragged array', () => [[1, [2]], [3, 4]]],
  ['a disposed tensor', disposedTensor],
  ['a huge shape', () => [1e6, 1e6]],
];

// Functions that take no tensors, or whose job is setup, and are checked elsewhere.
const NOT_SWEPT = new Set(['init', 'isInitialized', 'kernelBuild', 'hasRelaxedSimd', 'memory', 'isGradEnabled']);

// How to build each exported class with valid arguments, and one valid input for its forward().
const CONSTRUCTIBLE: Record<string, { args: () => unknown[]; input?: () => unknown[] }> = {
  'nn.Linear': { args: () => [3, 2], input: () => [rand([2, 3])] },
  'nn.Identity': { args: () => [], input: () => [rand([2, 3])] },
  'nn.ReLU': { args: () => [], input: () => [rand([2, 3])] },
  'nn.LeakyReLU': { args: () => [], input: () => [rand([2, 3])] },
  'nn.ReLU6': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Hardsigmoid': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Hardswish': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Mish': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Sigmoid': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Tanh': { args: () => [], input: () => [rand([2, 3])] },
  'nn.GELU': { args: () => [], input: () => [rand([2, 3])] },
  'nn.ELU': { args: () => [], input: () => [rand([2, 3])] },
  'nn.SiLU': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Softplus': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Softmax': { args: () => [], input: () => [rand([2, 3])] },
  'nn.LogSoftmax': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Dropout': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Flatten': { args: () => [], input: () => [rand([2, 3])] },
  'nn.Embedding': { args: () => [4, 3], input: () => [tensor([[0, 3], [2, 1]])] },
  'nn.Conv2d': { args: () => [1, 2, 3], input: () => [rand([1, 1, 5, 5])] },
  'nn.Conv1d': { args: () => [2, 4, 3], input: () => [rand([1, 2, 6])] },
  'nn.ConvTranspose2d': { args: () => [2, 3, 3], input: () => [rand([1, 2, 4, 4])] },
  'nn.MaxPool2d': { args: () => [2], input: () => [rand([1, 1, 4, 4])] },
  'nn.AvgPool2d': { args: () => [2], input: () => [rand([1, 1, 4, 4])] },
  'nn.AdaptiveAvgPool2d': { args: () => [1], input: () => [rand([1, 1, 4, 4])] },
  'nn.Upsample': { args: () => [{ scaleFactor: 2 }], input: () => [rand([1, 1, 2, 3])] },
  'nn.BatchNorm1d': { args: () => [3], input: () => [rand([2, 3])] },
  'nn.BatchNorm2d': { args: () => [1], input: () => [rand([2, 1, 2, 2])] },
  'nn.LayerNorm': { args: () => [3], input: () => [rand([2, 3])] },
  'nn.RNN': { args: () => [3, 4], input: () => [rand([5, 2, 3])] },
  'nn.LSTM': { args: () => [3, 4, { batchFirst: true }], input: () => [rand([2, 5, 3])] },
  'nn.GRU': { args: () => [3, 4, { numLayers: 2 }], input: () => [rand([5, 2, 3])] },
  'nn.MultiheadAttention': { args: () => [4, 2], input: () => { const x = rand([3, 2, 4]); return [x, x, x]; } },
  'nn.TransformerEncoderLayer': { args: () => [4, 2, { dimFeedforward: 8 }], input: () => [rand([3, 2, 4])] },
  'nn.TransformerEncoder': { args: () => [new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2], input: () => [rand([3, 2, 4])] },
  'nn.GroupNorm': { args: () => [2, 4], input: () => [rand([2, 4, 3])] },
  'nn.Sequential': { args: () => [new nn.ReLU()], input: () => [rand([2, 3])] },
  'optim.SGD': { args: () => [[rand([2], { requiresGrad: true })], { lr: 0.1 }] },
  'optim.Adam': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.AdamW': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.RMSprop': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.Adagrad': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.Adamax': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.NAdam': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.RAdam': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.Adadelta': { args: () => [[rand([2], { requiresGrad: true })]] },
  'optim.StepLR': { args: () => [new optim.SGD([rand([2], { requiresGrad: true })], { lr: 0.1 }), { stepSize: 1 }] },
  'optim.ExponentialLR': { args: () => [new optim.SGD([rand([2], { requiresGrad: true })], { lr: 0.1 }), { gamma: 0.9 }] },
  'optim.CosineAnnealingLR': { args: () => [new optim.SGD([rand([2], { requiresGrad: true })], { lr: 0.1 }), { tMax: 10 }] },
  'data.TensorDataset': { args: () => [rand([4, 2]), rand([4])] },
  'data.DataLoader': { args: () => [new data.TensorDataset(rand([4, 2]), rand([4])), { batchSize: 2 }] },
  EarlyStopping: { args: () => [] },
};

// Abstract bases, and classes the library builds for you (a TrainingJob comes from startTraining()).
const ABSTRACT = new Set(['nn.Module', 'nn.BatchNorm', 'optim.LRScheduler', 'optim.Optimizer', 'Tensor', 'TrainingJob']);

function exported(): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  const namespaces: [string, object][] = [['', sg], ['F.', F], ['nn.', nn], ['nn.init.', nn.init], ['optim.', optim], ['data.', data], ['io.', io]];
  for (const [prefix, ns] of namespaces) {
    for (const [key, value] of Object.entries(ns)) {
      if (typeof value === 'function') out.push({ name: prefix + key, value });
    }
  }
  return out;
}

function isClass(value: unknown): value is AnyClass {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
}

interface Outcome {
  call: string;
  problem: string;
}

// Runs one call; returns a problem, or null when it worked or failed as it should.
async function attempt(call: string, run: () => unknown, args: unknown[] = []): Promise<Outcome | null> {
  const before = memory();
  const made: unknown[] = [];
  try {
    let result = run();
    if (result instanceof Promise) result = await result;
    made.push(result);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('simdgrad: ')) {
      return { call, problem: `threw ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}` };
    }
  }
  release(made, new Set(args));
  const after = memory();
  if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
    return { call, problem: `memory moved from ${before.tensors} tensors / ${before.bytes} bytes to ${after.tensors} / ${after.bytes}` };
  }
  return null;
}

function release(values: unknown[], seen = new Set<unknown>()): void {
  for (const value of values) {
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Tensor) value.dispose();
    else if (Array.isArray(value)) release(value, seen);
    else if (typeof (value as { dispose?: unknown }).dispose === 'function') (value as { dispose: () => void }).dispose();
    else if (Object.getPrototypeOf(value) === Object.prototype) release(Object.values(value), seen);
  }
}

// The arguments of a call with `bad` at position `at`: a plausible tensor before it.
function withBadAt(at: number, bad: unknown): unknown[] {
  return [...Array.from({ length: at }, () => rand([2, 3])), bad];
}

describe('every public entry point checks its arguments', () => {
  it('knows how to build every exported class', () => {
    const classes = exported().filter((e) => isClass(e.value)).map((e) => e.name);
    const unknown = classes.filter((name) => !(name in CONSTRUCTIBLE) && !ABSTRACT.has(name));
    expect(unknown).toEqual([]);
  });

  it('functions: a bad argument in any of the first three places gives a simdgrad: Error and frees what it made', async () => {
    const problems: Outcome[] = [];
    for (const { name, value } of exported()) {
      if (isClass(value) || NOT_SWEPT.has(name)) continue;
      for (let at = 0; at < 3; at++) {
        for (const [label, bad] of BAD_VALUES) {
          const args = withBadAt(at, bad());
          const problem = await attempt(`${name}(${at > 0 ? `${at} tensors, ` : ''}${label})`, () => (value as AnyFunction)(...args), args);
          release(args);
          if (problem) problems.push(problem);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('classes: bad constructor arguments and bad forward() inputs give simdgrad: Errors and free what they made', async () => {
    const problems: Outcome[] = [];
    for (const { name, value } of exported()) {
      const recipe = CONSTRUCTIBLE[name];
      if (!isClass(value) || !recipe) continue;
      const Class = value;
      for (let at = 0; at < 3; at++) {
        for (const [label, bad] of BAD_VALUES) {
          const args = [...recipe.args().slice(0, at), bad()];
          const problem = await attempt(`new ${name}(${label} at ${at})`, () => new Class(...args), args);
          release(args);
          if (problem) problems.push(problem);
        }
      }
      if (!recipe.input) continue;
      const args = recipe.args();
      const module = new Class(...args) as { forward: AnyFunction; dispose: () => void };
      for (const [label, bad] of BAD_VALUES) {
        const problem = await attempt(`${name}.forward(${label})`, () => module.forward(bad()));
        if (problem) problems.push(problem);
      }
      const works = await attempt(`${name}.forward(valid input)`, () => {
        const input = recipe.input!();
        const out = module.forward(...input);
        release(input);
        return out;
      });
      if (works) problems.push(works);
      module.dispose();
      release(args);
    }
    expect(problems).toEqual([]);
  });
});

describe('the calls PyTorch users type first', () => {
  it('tensor(data, { requiresGrad: true }) takes the options in place of the shape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(x.requiresGrad).toBe(true);
    expect(x.shape).toEqual([3]);
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
  });

  it('loss.backward({ retainGraph: true }) keeps the graph for a second backward', () => {
    const x = tensor([3], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([12]);
  });
});

describe('the bad calls a fault probe found', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['matmul(t, 5)', () => sg.matmul(rand([2, 2]), 5 as never), /simdgrad: matmul: other must be a Tensor, got 5;/],
    ['exp(undefined)', () => sg.exp(undefined as never), /simdgrad: exp: input must be a Tensor, got undefined/],
    ['relu(undefined)', () => sg.relu(undefined as never), /simdgrad: relu: input must be a Tensor, got undefined/],
    ['Linear.forward(Float32Array)', () => new nn.Linear(2, 2).forward(new Float32Array(2) as never), /simdgrad: linear: input must be a Tensor, got a Float32Array of length 2; make one with tensor\(data, shape\)/],
    ['Conv2d.forward(undefined)', () => new nn.Conv2d(1, 1, 1).forward(undefined as never), /simdgrad: Conv2d: input must be a Tensor, got undefined/],
    ['y.backward(1)', () => rand([1], { requiresGrad: true }).mul(2).backward(1 as never), /simdgrad: backward\(upstream\?, options\?\): expected an upstream gradient Tensor/],
    ['zeros(3)', () => sg.zeros(3 as never), /simdgrad: zeros: shape must be an array of non-negative integers, got 3; write \[3\]/],
    ['tensor(null)', () => sg.tensor(null as never), /simdgrad: tensor: data must be a number, a \(nested\) array of numbers or a typed array, got null/],
    ['new TensorDataset(Float32Array)', () => new data.TensorDataset(new Float32Array(4) as never), /simdgrad: TensorDataset: tensor 0 must be a Tensor, got a Float32Array of length 4/],
    ['rand([1e6, 1e6])', () => sg.rand([1e6, 1e6]), /simdgrad: rand: shape \[1000000, 1000000\] has 1000000000000 elements; a tensor holds at most/],
    ['arange(0, Infinity)', () => sg.arange(0, Infinity), /simdgrad: arange: end must be a finite number, got Infinity/],
    ["tensor('abc')", () => sg.tensor('abc' as never), /simdgrad: tensor: data must be a number, a \(nested\) array of numbers or a typed array, got the string "abc"/],
    ["full([2], 'abc')", () => sg.full([2], 'abc' as never), /simdgrad: full: value must be a number, got the string "abc"/],
    ['tensor(() => 1)', () => sg.tensor((() => 1) as never), /simdgrad: tensor: data must be a number, a \(nested\) array of numbers or a typed array, got a function/],
    ['ragged [[1, [2]], [3, 4]]', () => sg.tensor([[1, [2]], [3, 4]] as never), /simdgrad: tensor: nested arrays are ragged or hold non-numbers/],
    ['batchNorm momentum NaN', () => new nn.BatchNorm1d(2, { momentum: NaN }), /simdgrad: BatchNorm1d: momentum must be a number in \[0, 1\] or null \(a cumulative average\), got NaN/],
    ["new nn.Sequential(linear, 'relu')", () => new nn.Sequential(new nn.Linear(2, 2), 'relu' as never), /simdgrad: Sequential: module 1 must be an nn.Module, got the string "relu"/],
  ];
  for (const [name, call, message] of cases) {
    it(`${name} throws a simdgrad: Error naming the argument`, () => {
      const before = memory().bytes;
      expect(call).toThrow(message);
      expect(memory().bytes).toBeLessThanOrEqual(before + 4096);
    });
  }
});

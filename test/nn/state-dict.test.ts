import { describe, expect, it } from 'vitest';
import { manualSeed, nn, tensor } from 'simdgrad';

function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 3));
}

const input = () => tensor([[0.5, -1, 2, 0.25], [1, 1, -1, 3]]);

describe('stateDict / loadStateDict', () => {
  it('saves copies of every parameter under PyTorch names', () => {
    const model = mlp();
    const state = model.stateDict();
    expect([...state.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(state.get('0.weight')!.shape).toEqual([5, 4]);
    expect(state.get('0.weight')!.data).toEqual(model.at(0).parameters()[0]!.toFloat32Array());
    state.get('2.bias')!.data.fill(42);
    expect(Array.from(model.at(2).parameters()[1]!.toFloat32Array())).not.toContain(42);
  });

  it('round-trips: a second model loaded from the first gives identical outputs', () => {
    manualSeed(1);
    const source = mlp();
    manualSeed(2);
    const target = mlp();
    expect(target.forward(input()).toFloat32Array()).not.toEqual(source.forward(input()).toFloat32Array());
    const weightBefore = target.at(0).parameters()[0]!;
    expect(target.loadStateDict(source.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(target.forward(input()).toFloat32Array()).toEqual(source.forward(input()).toFloat32Array());
    expect(target.at(0).parameters()[0]).toBe(weightBefore);
  });

  it('accepts a plain object with number arrays, e.g. parsed JSON', () => {
    const model = new nn.Linear(2, 1);
    model.loadStateDict({ weight: { shape: [1, 2], data: [3, 4] }, bias: { shape: [1], data: [0.5] } });
    expect(model.forward(tensor([[1, 1]])).item()).toBe(7.5);
  });

  it('accepts tensors as entries, as PyTorch does, and refuses a disposed one', () => {
    const model = new nn.Linear(2, 1);
    model.loadStateDict({ weight: tensor([[3, 4]]), bias: tensor([0.5]) });
    expect(model.forward(tensor([[1, 1]])).item()).toBe(7.5);
    const disposed = tensor([1]);
    disposed.dispose();
    expect(() => model.loadStateDict({ weight: tensor([[1, 1]]), bias: disposed })).toThrow(
      /Linear\.loadStateDict: the tensor given for 'bias' has been disposed, so nothing was loaded/,
    );
    expect(model.forward(tensor([[1, 1]])).item()).toBe(7.5);
  });

  it('refuses a wrong shape, naming the key and both shapes, and changes nothing', () => {
    const model = mlp();
    const before = model.stateDict();
    const state = mlp().stateDict();
    state.set('2.weight', { shape: [3, 4], data: new Float32Array(12) });
    expect(() => model.loadStateDict(state)).toThrow(/shape mismatch for '2\.weight': the state dict has \[3, 4\], the model has \[3, 5\]/);
    expect(model.stateDict()).toEqual(before);
  });

  it('refuses missing and unexpected keys, listing them all, and changes nothing', () => {
    const model = mlp();
    const before = model.stateDict();
    const state = mlp().stateDict();
    state.delete('0.bias');
    state.set('3.weight', { shape: [1], data: new Float32Array(1) });
    let message = '';
    try {
      model.loadStateDict(state);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("Sequential.loadStateDict: the state dict does not fit this model, so nothing was loaded");
    expect(message).toContain("missing keys: '0.bias'");
    expect(message).toContain("unexpected keys: '3.weight'");
    expect(message).toContain('{ strict: false }');
    expect(model.stateDict()).toEqual(before);
  });

  it('refuses data whose length does not match its shape', () => {
    const model = new nn.Linear(2, 1);
    expect(() => model.loadStateDict({ weight: { shape: [1, 2], data: [1] }, bias: { shape: [1], data: [0] } })).toThrow(/'weight': the state dict's data has 1 values, but its shape \[1, 2\] needs 2/);
  });

  it('with strict: false loads the keys that match and reports the others', () => {
    const model = mlp();
    const source = mlp();
    const state = source.stateDict();
    state.delete('2.bias');
    state.set('extra', { shape: [1], data: new Float32Array(1) });
    const keptBias = model.at(2).parameters()[1]!.toFloat32Array();
    expect(model.loadStateDict(state, { strict: false })).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['extra'] });
    expect(model.at(0).parameters()[0]!.toFloat32Array()).toEqual(source.at(0).parameters()[0]!.toFloat32Array());
    expect(model.at(2).parameters()[1]!.toFloat32Array()).toEqual(keptBias);
  });

  it('still refuses wrong shapes with strict: false', () => {
    const model = new nn.Linear(2, 1);
    const before = model.stateDict();
    expect(() => model.loadStateDict({ weight: { shape: [2, 1], data: [1, 2] } }, { strict: false })).toThrow(/shape mismatch for 'weight'/);
    expect(model.stateDict()).toEqual(before);
  });
});

describe('loadStateDict refuses values that are not finite float32 numbers, and changes nothing', () => {
  // Linear then BatchNorm1d: the last entries are buffers (running_var, num_batches_tracked).
  const model = () => new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  const asJson = (state: Map<string, { shape: number[]; data: Float32Array }>): Record<string, { shape: number[]; data: unknown[] }> =>
    Object.fromEntries([...state].map(([name, { shape, data }]) => [name, { shape, data: Array.from(data) }]));
  const bad: [unknown, RegExp][] = [
    [Number.NaN, /'1\.num_batches_tracked': value 0 of the state dict's data is NaN/],
    [Number.POSITIVE_INFINITY, /'1\.num_batches_tracked': value 0 of the state dict's data is Infinity/],
    [Number.NEGATIVE_INFINITY, /'1\.num_batches_tracked': value 0 of the state dict's data is -Infinity/],
    [1e39, /'1\.num_batches_tracked': value 0 of the state dict's data is 1e\+39, beyond float32's range/],
    ['abc', /'1\.num_batches_tracked': value 0 of the state dict's data is the string "abc", not a number/],
    ['1', /'1\.num_batches_tracked': value 0 of the state dict's data is the string "1", not a number/],
    [null, /'1\.num_batches_tracked': value 0 of the state dict's data is null, not a number/],
    [undefined, /'1\.num_batches_tracked': value 0 of the state dict's data is undefined, not a number/],
  ];

  for (const [value, message] of bad) {
    for (const strict of [true, false]) {
      it(`refuses ${typeof value === 'string' ? JSON.stringify(value) : String(value)} in the last entry (strict: ${strict})`, () => {
        const target = model();
        const before = target.stateDict();
        const state = asJson(model().stateDict());
        state['1.num_batches_tracked']!.data[0] = value;
        expect(() => target.loadStateDict(state, { strict })).toThrow(message);
        expect(() => target.loadStateDict(state, { strict })).toThrow(/nothing was loaded[\s\S]*Every value must be a finite number/);
        expect(target.stateDict()).toEqual(before);
      });
    }
  }

  it('refuses NaN in a Float32Array of a StateDict, naming the key and the index', () => {
    const target = model();
    const before = target.stateDict();
    const state = model().stateDict();
    state.get('1.running_var')!.data[2] = Number.NaN;
    expect(() => target.loadStateDict(state)).toThrow(/'1\.running_var': value 2 of the state dict's data is NaN/);
    expect(target.stateDict()).toEqual(before);
  });

  it('refuses an entry that is null, undefined or not an entry, even with strict: false', () => {
    for (const entry of [null, undefined, 42, 'weights']) {
      for (const strict of [true, false]) {
        const target = model();
        const before = target.stateDict();
        const state: Record<string, unknown> = asJson(model().stateDict());
        state['1.running_var'] = entry;
        expect(() => target.loadStateDict(state as Parameters<nn.Sequential['loadStateDict']>[0], { strict }), `${String(entry)}, strict ${strict}`).toThrow(
          new RegExp(`'1\\.running_var': the state dict's entry is ${entry === 'weights' ? 'a string' : typeof entry === 'number' ? 'a number' : String(entry)}, not \\{ shape, data \\} or a Tensor`),
        );
        expect(target.stateDict()).toEqual(before);
      }
    }
  });

  it('refuses a state dict that is not a Map or an object', () => {
    const target = new nn.Linear(2, 1);
    for (const [state, kind] of [[null, 'null'], [[1, 2], 'an Array'], ['weights', 'a string']] as const) {
      expect(() => target.loadStateDict(state as never)).toThrow(`simdgrad: Linear.loadStateDict: expected a state dict (a Map or an object of { shape, data } entries, as stateDict() returns), got ${kind}.`);
    }
  });

  it('refuses data that is not an array of numbers', () => {
    const target = new nn.Linear(2, 1);
    expect(() => target.loadStateDict({ weight: { shape: [1, 2], data: 'ab' as unknown as number[] }, bias: { shape: [1], data: [0] } })).toThrow(
      /'weight': the state dict's data is a string, not an array of numbers/,
    );
  });
});


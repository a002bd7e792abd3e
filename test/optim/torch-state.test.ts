import { describe, expect, it } from 'vitest';
import { io, optim, tensor, type Tensor } from 'simdgrad';
import { camelCaseOptions, readTorchFixture, torchFixtureBytes, OPTIMIZER_FIXTURES as FIXTURES, OPTIMIZER_FIXTURE_PARAMS as PARAMS } from '../helpers/torch-fixtures.js';
import { maxAbs, maxAbsDifference } from '../helpers/compare.js';

// Written by PyTorch 1.13 (scripts/make-torch-fixtures.py): a Linear(4,3)-Tanh-Linear(3,2) model's
// parameters at the start, after 4 and after 5 steps, each step's gradients, and the optimizer's
// state after 4 steps in PyTorch's layout.

type OptimizerClass = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;

function loadFixture(name: string) {
  const { tensors, metadata } = readTorchFixture(`optim-${name}.safetensors`);
  const at = (key: string) => tensors.get(key)!;
  const Optimizer = (optim as unknown as Record<string, OptimizerClass>)[metadata.optimizer!]!;
  const options = camelCaseOptions(JSON.parse(metadata.options!) as Record<string, unknown>);
  const params = (stage: string) => PARAMS.map((key) => tensor(at(`${stage}.${key}`).data, at(`${stage}.${key}`).shape, { requiresGrad: true }));
  const setGrads = (ps: Tensor[], step: number) => ps.forEach((p, i) => (p.grad = tensor(at(`grad${step}.${PARAMS[i]}`).data, p.shape)));
  const torchState = io.decodeTorchOptimizerState(torchFixtureBytes(`optim-${name}-state.safetensors`));
  return { at, Optimizer, options, params, setGrads, torchState };
}

describe('optimizers move between simdgrad and PyTorch mid-training (fixtures made by PyTorch 1.13)', () => {
  for (const name of FIXTURES) {
    it(`${name}: loads PyTorch's state after 4 steps, and step 5 gives PyTorch's parameters within 1e-7 of max|param|`, () => {
      const { at, Optimizer, options, params, setGrads, torchState } = loadFixture(name);
      const ps = params('after4');
      const optimizer = new Optimizer(ps, options);
      optimizer.loadStateDict(torchState);
      setGrads(ps, 5);
      optimizer.step();
      ps.forEach((p, i) => {
        const want = at(`after5.${PARAMS[i]}`).data;
        expect(maxAbsDifference(p.toFloat32Array(), want)).toBeLessThanOrEqual(1e-7 * maxAbs(want));
      });
      optimizer.dispose();
    });

    it(`${name}: after the same 4 steps, stateDict({ format: 'torch' }) equals PyTorch's state dict`, () => {
      const { Optimizer, options, params, setGrads, torchState } = loadFixture(name);
      const ps = params('initial');
      const optimizer = new Optimizer(ps, options);
      for (let step = 1; step <= 4; step++) {
        setGrads(ps, step);
        optimizer.step();
      }
      const ours = optimizer.stateDict({ format: 'torch' });
      expect(ours.param_groups).toEqual(torchState.param_groups);
      expect(Object.keys(ours.state)).toEqual(Object.keys(torchState.state));
      for (const [index, entry] of Object.entries(torchState.state)) {
        const mine = ours.state[Number(index)]!;
        expect(Object.keys(mine).sort()).toEqual(Object.keys(entry).sort());
        for (const [key, want] of Object.entries(entry)) {
          expect(mine[key]!.shape).toEqual(want.shape);
          expect(maxAbsDifference(mine[key]!.data, want.data)).toBeLessThanOrEqual(1e-6 * Math.max(maxAbs(want.data), 1e-30));
        }
      }
      optimizer.dispose();
    });
  }
});

describe("PyTorch's layout: names, steps and flags", () => {
  function trainedAdam(options: optim.AdamOptions = {}) {
    const weight = tensor([[0.5, -1], [2, 0.25]], undefined, { requiresGrad: true });
    const adam = new optim.Adam([weight], { lr: 0.1, ...options });
    for (let step = 0; step < 2; step++) {
      weight.grad = tensor([[0.1, -0.2], [0.3, 0.4]]);
      adam.step();
    }
    return { weight, adam };
  }

  it("names buffers and hyper-parameters as PyTorch does, steps as 0-d tensors, and adds PyTorch's flags", () => {
    const { adam } = trainedAdam({ weightDecay: 0.5 });
    const dict = adam.stateDict({ format: 'torch' });
    expect(Object.keys(dict.state[0]!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(dict.state[0]!.step).toEqual({ shape: [], data: Float32Array.of(2) });
    expect(dict.state[0]!.exp_avg!.shape).toEqual([2, 2]);
    expect(dict.param_groups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.5, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0] },
    ]);
  });

  it("names Adamax's, RAdam's and Adadelta's state and options as PyTorch's state_dict() does, and round-trips them", () => {
    const weight = tensor([0.5, -1, 2], [3], { requiresGrad: true });
    // Keys as torch 1.13 writes them: RAdam's 2.x options (maximize, decoupled_weight_decay) only when not the default.
    const expected: [optim.Optimizer, string[], Record<string, unknown>][] = [
      [new optim.Adamax([weight]), ['step', 'exp_avg', 'exp_inf'], { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false, foreach: null, params: [0] }],
      [new optim.RAdam([weight]), ['step', 'exp_avg', 'exp_avg_sq'], { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, foreach: null, params: [0] }],
      [new optim.Adadelta([weight]), ['step', 'square_avg', 'acc_delta'], { lr: 1, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false, foreach: null, params: [0] }],
    ];
    for (const [optimizer, stateKeys, group] of expected) {
      weight.grad = tensor([0.1, -0.2, 0.3]);
      optimizer.step();
      const dict = optimizer.stateDict({ format: 'torch' });
      expect(Object.keys(dict.state[0]!)).toEqual(stateKeys);
      expect(dict.param_groups).toEqual([group]);
      const Class = optimizer.constructor as new (params: Tensor[]) => optim.Optimizer;
      const restored = new Class([weight]);
      restored.loadStateDict(dict);
      expect(restored.stateDict()).toEqual(optimizer.stateDict());
    }
  });

  it('round-trips: a torch-layout dict loaded into a new optimizer restores the same state', () => {
    const { weight, adam } = trainedAdam({ amsgrad: true });
    const other = new optim.Adam([weight]);
    other.loadStateDict(adam.stateDict({ format: 'torch' }));
    expect(other.stateDict()).toEqual(adam.stateDict());
  });

  it("accepts PyTorch 1.13 RMSprop's integer step, an SGD momentum_buffer of None (null) and Tensors as values", () => {
    const weight = tensor([1, 2], undefined, { requiresGrad: true });
    const rmsprop = new optim.RMSprop([weight]);
    rmsprop.loadStateDict({
      state: { 0: { step: 3, square_avg: tensor([0.5, 0.25]) } },
      param_groups: [{ lr: 0.01, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weight_decay: 0, foreach: null, maximize: false, differentiable: false, params: [0] }],
    });
    expect(rmsprop.stateDict().state).toEqual({ 0: { step: 3, buffers: { squareAvg: [0.5, 0.25] } } });
    const sgd = new optim.SGD([weight], { lr: 0.1 });
    sgd.loadStateDict({
      state: { 0: { momentum_buffer: null } },
      param_groups: [{ lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0] }],
    });
    expect(sgd.stateDict().state).toEqual({ 0: { step: 0, buffers: {} } });
  });

  it('throws naming the problem for an unknown buffer, the wrong decoupled_weight_decay, an unknown key and a bad format', () => {
    const { adam } = trainedAdam();
    const dict = adam.stateDict({ format: 'torch' });
    const before = adam.stateDict();
    expect(() => adam.loadStateDict({ ...dict, state: { 0: { ...dict.state[0], velocity: dict.state[0]!.exp_avg! } } })).toThrow(
      "simdgrad: Adam.loadStateDict(): state[0] has a buffer 'velocity' that simdgrad's optimizers do not have",
    );
    expect(() => adam.loadStateDict({ ...dict, param_groups: [{ ...dict.param_groups[0]!, decoupled_weight_decay: true }] })).toThrow(
      "simdgrad: Adam.loadStateDict(): param_groups[0] has decoupled_weight_decay true, which is AdamW's rule; load this state into optim.AdamW.",
    );
    expect(() => adam.loadStateDict({ ...dict, param_groups: [{ ...dict.param_groups[0]!, momentum: 0.9 }] })).toThrow(/^simdgrad: Adam\.loadStateDict\(\): param group 0 has hyper-parameters/);
    expect(() => adam.stateDict({ format: 'keras' as 'torch' })).toThrow("simdgrad: Adam.stateDict(): format must be 'simdgrad' or 'torch', got \"keras\".");
    expect(adam.stateDict()).toEqual(before);
  });
});

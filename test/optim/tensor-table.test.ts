// step() writes every parameter of a param group into one table and updates them with one kernel
// call. These tests mix what differs between the table's entries: param groups with their own
// options, tensors of every size (empty, one element, not a multiple of four), parameters with
// and without a gradient, and so different step counts within one call.
import { describe, expect, it } from 'vitest';
import { memory, optim, tensor, type Tensor } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { referenceAdagrad, referenceAdam, referenceRMSprop, referenceSGD, setGrad, values, type ReferenceOptions, type Trajectory } from './reference.js';

type Options = ReferenceOptions & Record<string, unknown>;
type Group = Options & { params: Tensor[] };

interface Kind {
  make: (groups: Group[]) => optim.Optimizer;
  /** The options of the two groups; each includes lr, and the second differs. */
  groups: [Options, Options];
  reference: (start: number[], grads: number[][], options: Options) => Trajectory;
}

const kinds: Record<string, Kind> = {
  'SGD with momentum and dampening': {
    make: (groups) => new optim.SGD(groups as never, { momentum: 0.9, dampening: 0.1 }),
    groups: [{ lr: 0.1 }, { lr: 0.02, weightDecay: 0.1 }],
    reference: (start, grads, o) => referenceSGD(start, grads, { ...o, momentum: 0.9, dampening: 0.1 }),
  },
  'SGD with Nesterov momentum': {
    make: (groups) => new optim.SGD(groups as never, { momentum: 0.5, nesterov: true }),
    groups: [{ lr: 0.05 }, { lr: 0.2, maximize: true }],
    reference: (start, grads, o) => referenceSGD(start, grads, { ...o, momentum: 0.5, nesterov: true }),
  },
  'Adam with AMSGrad': {
    make: (groups) => new optim.Adam(groups as never, { amsgrad: true }),
    groups: [{ lr: 0.01 }, { lr: 0.05, weightDecay: 0.1 }],
    reference: (start, grads, o) => referenceAdam(start, grads, { ...o, amsgrad: true }),
  },
  AdamW: {
    make: (groups) => new optim.AdamW(groups as never),
    groups: [{ lr: 0.01, weightDecay: 0.01 }, { lr: 0.03, weightDecay: 0.2 }],
    reference: (start, grads, o) => referenceAdam(start, grads, { ...o, decoupled: true }),
  },
  'RMSprop centered with momentum': {
    make: (groups) => new optim.RMSprop(groups as never, { centered: true, momentum: 0.5 }),
    groups: [{ lr: 0.01 }, { lr: 0.003, weightDecay: 0.1 }],
    reference: (start, grads, o) => referenceRMSprop(start, grads, { ...o, centered: true, momentum: 0.5 }),
  },
  'Adagrad with lr decay': {
    make: (groups) => new optim.Adagrad(groups as never, { lrDecay: 0.1, initialAccumulatorValue: 0.1 }),
    groups: [{ lr: 0.1 }, { lr: 0.5, weightDecay: 0.1 }],
    reference: (start, grads, o) => referenceAdagrad(start, grads, { ...o, lrDecay: 0.1, initialAccumulatorValue: 0.1 }),
  },
};

const STEPS = 5;

// Which steps give each parameter a gradient: some start late, skip steps or never get one.
const PARAMETERS = [
  { group: 0, shape: [7], steps: [0, 1, 2, 3, 4] },
  { group: 0, shape: [1], steps: [1, 3, 4] },
  { group: 0, shape: [2, 3], steps: [] },
  { group: 0, shape: [0], steps: [0, 2] },
  { group: 1, shape: [13], steps: [0, 1, 2, 3, 4] },
  { group: 1, shape: [2, 2], steps: [0, 4] },
  { group: 1, shape: [3, 5, 2], steps: [2, 3, 4] },
];

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const read = (t: Tensor): number[] => Array.from(t.toFloat32Array());
const startOf = (j: number): number[] => values(sizeOf(PARAMETERS[j]!.shape), j);
const gradOf = (j: number, t: number): number[] => values(sizeOf(PARAMETERS[j]!.shape), 10 * j + t + 1);
const parameter = (j: number): Tensor => tensor(startOf(j), PARAMETERS[j]!.shape, { requiresGrad: true });

// Gives parameter j (or its copy `param`) its gradient of step t, or none.
function setGradOfStep(param: Tensor, j: number, t: number): void {
  if (PARAMETERS[j]!.steps.includes(t)) {
    setGrad(param, gradOf(j, t));
  } else {
    param.grad?.dispose();
    param.grad = null;
  }
}

function setGradsOfStep(params: Tensor[], t: number): void {
  params.forEach((param, j) => setGradOfStep(param, j, t));
}

function groupsOf(kind: Kind, params: Tensor[]): Group[] {
  return kind.groups.map((options, g) => ({ ...options, params: params.filter((_, j) => PARAMETERS[j]!.group === g) }));
}

describe('one step over many param groups and tensors', () => {
  for (const [name, kind] of Object.entries(kinds)) {
    it(`${name}: equals stepping each parameter alone, and PyTorch's algorithm in float64`, () => {
      const all = PARAMETERS.map((_, j) => parameter(j));
      const together = kind.make(groupsOf(kind, all));
      const alone = PARAMETERS.map((p, j) => {
        const param = parameter(j);
        return { param, optimizer: kind.make([{ ...kind.groups[p.group]!, params: [param] }]) };
      });
      for (let t = 0; t < STEPS; t++) {
        setGradsOfStep(all, t);
        together.step();
        alone.forEach(({ param, optimizer }, j) => {
          setGradOfStep(param, j, t);
          optimizer.step();
          expect(read(all[j]!), `parameter ${j} after step ${t + 1}`).toEqual(read(param));
        });
      }
      PARAMETERS.forEach((p, j) => {
        const grads = p.steps.map((t) => gradOf(j, t));
        const want = grads.length === 0 ? startOf(j) : kind.reference(startOf(j), grads, kind.groups[p.group]!).at(-1)!;
        expectCloseToFixture(all[j]!, { shape: p.shape, data: want }, `parameter ${j}`);
      });
      const steps = together.stateDict().state;
      expect(PARAMETERS.map((_, j) => steps[j]?.step ?? 0)).toEqual(PARAMETERS.map((p) => p.steps.length));
    });
  }
});

describe('a non-finite gradient among many', () => {
  it('names its parameter and group, counted over all parameters, and changes nothing', () => {
    const all = PARAMETERS.map((_, j) => parameter(j));
    const optimizer = kinds['Adam with AMSGrad']!.make(groupsOf(kinds['Adam with AMSGrad']!, all));
    setGradsOfStep(all, 0);
    optimizer.step();
    const saved = optimizer.stateDict();
    const before = all.map(read);
    const cases: [number, number, number, RegExp][] = [
      // [parameter, element, value, message]: step 2 gives parameters 0, 1 and 4 a gradient, and each case one more or a changed one.
      [6, 29, Number.NaN, /Adam.step\(\): parameter 6 \(shape \[3, 5, 2\], param group 1\): its gradient contains NaN or Infinity, so no parameter was changed.*\(lr is 0.05\)/],
      [1, 0, Infinity, /Adam.step\(\): parameter 1 \(shape \[1\], param group 0\): its gradient contains NaN or Infinity.*\(lr is 0.01\)/],
      [4, 12, -Infinity, /Adam.step\(\): parameter 4 \(shape \[13\], param group 1\)/],
    ];
    for (const [j, element, value, message] of cases) {
      setGradsOfStep(all, 1);
      const grad = gradOf(j, 1);
      grad[element] = value;
      setGrad(all[j]!, grad);
      expect(() => optimizer.step()).toThrow(message);
      expect(all.map(read)).toEqual(before);
      expect(optimizer.stateDict()).toEqual(saved);
    }
  });
});

describe("the optimizer's kernel table", () => {
  it('is reused from step to step, grows for a larger param group and is freed by dispose()', () => {
    const small = [parameter(0), parameter(1)];
    const large = Array.from({ length: 40 }, (_, j) => tensor(values(3, j), [3], { requiresGrad: true }));
    small.forEach((param, j) => setGrad(param, gradOf(j, 1)));
    large.forEach((param, j) => setGrad(param, values(3, 100 + j)));
    const beforeSteps = memory();

    const optimizer = kinds.AdamW!.make([{ lr: 0.01, params: small }]);
    optimizer.step();
    const afterFirstStep = memory();
    for (let t = 0; t < 3; t++) optimizer.step();
    expect(memory()).toEqual(afterFirstStep);

    optimizer.addParamGroup({ params: large, lr: 0.5 });
    optimizer.step();
    const afterGrowth = memory();
    optimizer.step();
    expect(memory()).toEqual(afterGrowth);
    expect(optimizer.stateDict().state[41]!.step).toBe(2);

    optimizer.dispose();
    expect(memory()).toEqual(beforeSteps);
  });
});

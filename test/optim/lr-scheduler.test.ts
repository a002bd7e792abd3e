import { describe, expect, it } from 'vitest';
import { optim, tensor, type Tensor } from 'simdgrad';
import { setGrad } from './reference.js';

const parameter = (): Tensor => tensor([0], [1], { requiresGrad: true });

/** getLastLr() right after construction, then after each of `steps` step() calls. */
function schedule(scheduler: optim.LRScheduler, steps: number): number[][] {
  const lrs = [scheduler.getLastLr()];
  for (let i = 0; i < steps; i++) {
    scheduler.step();
    lrs.push(scheduler.getLastLr());
  }
  return lrs;
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, epoch) => row.forEach((lr, g) => expect(Math.abs(lr - want[epoch]![g]!), `epoch ${epoch} group ${g}: ${lr} vs ${want[epoch]![g]}`).toBeLessThanOrEqual(1e-12 * Math.abs(want[epoch]![g]!) + 1e-18)));
}

describe('StepLR', () => {
  it('multiplies lr by gamma every stepSize epochs, per param group', () => {
    const optimizer = new optim.SGD([{ params: [parameter()] }, { params: [parameter()], lr: 1 }], { lr: 0.1 });
    const lrs = schedule(new optim.StepLR(optimizer, { stepSize: 2 }), 7);
    expectClose(lrs.map((row) => [row[0]!]), [[0.1], [0.1], [0.01], [0.01], [0.001], [0.001], [1e-4], [1e-4]]);
    expectClose(lrs, lrs.map((_, epoch) => [0.1, 1].map((base) => base * 0.1 ** Math.floor(epoch / 2))));
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual(lrs[7]);
  });

  it('rejects a step size that is not a positive integer', () => {
    const optimizer = new optim.SGD([parameter()], { lr: 0.1 });
    expect(() => new optim.StepLR(optimizer, { stepSize: 0 })).toThrow(/StepLR: stepSize must be an integer >= 1, got 0/);
    expect(() => new optim.StepLR(optimizer, { stepSize: 2, gamma: -0.5 })).toThrow(/StepLR: gamma must be a finite number >= 0, got -0.5/);
  });
});

describe('ExponentialLR', () => {
  it('multiplies lr by gamma every epoch', () => {
    const optimizer = new optim.Adam([parameter()], { lr: 0.01 });
    expectClose(schedule(new optim.ExponentialLR(optimizer, { gamma: 0.9 }), 10), Array.from({ length: 11 }, (_, epoch) => [0.01 * 0.9 ** epoch]));
  });
});

describe('CosineAnnealingLR', () => {
  const closedForm = (base: number, etaMin: number, tMax: number, epoch: number): number => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;

  it('follows the cosine from the base lr to etaMin and back up after tMax', () => {
    const optimizer = new optim.SGD([parameter()], { lr: 0.1 });
    const lrs = schedule(new optim.CosineAnnealingLR(optimizer, { tMax: 10, etaMin: 0.001 }), 25);
    expectClose(lrs, lrs.map((_, epoch) => [closedForm(0.1, 0.001, 10, epoch)]));
    expect(lrs[10]![0]).toBeCloseTo(0.001, 15);
  });

  it('defaults etaMin to 0', () => {
    const optimizer = new optim.SGD([parameter()], { lr: 0.5 });
    const lrs = schedule(new optim.CosineAnnealingLR(optimizer, { tMax: 4 }), 4);
    expectClose(lrs, [[0.5], [closedForm(0.5, 0, 4, 1)], [0.25], [closedForm(0.5, 0, 4, 3)], [0]]);
  });

  it('rejects tMax 0', () => {
    expect(() => new optim.CosineAnnealingLR(new optim.SGD([parameter()], { lr: 0.1 }), { tMax: 0 })).toThrow(/CosineAnnealingLR: tMax must be a finite number > 0, got 0/);
  });
});

describe('schedulers and the optimizer', () => {
  it('set the lr the next step() uses', () => {
    const w = parameter();
    const optimizer = new optim.SGD([w], { lr: 1 });
    const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const positions: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      setGrad(w, [1]);
      optimizer.step();
      scheduler.step();
      positions.push(w.toFloat32Array()[0]!);
    }
    expect(positions).toEqual([-1, -1.5, -1.75]);
  });

  it('chain like PyTorch’s: each works from the lr the other left', () => {
    const optimizer = new optim.SGD([parameter()], { lr: 1 });
    const step = new optim.StepLR(optimizer, { stepSize: 3, gamma: 0.1 });
    const exponential = new optim.ExponentialLR(optimizer, { gamma: 0.9 });
    for (let epoch = 1; epoch <= 7; epoch++) {
      step.step();
      exponential.step();
      expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.1 ** Math.floor(epoch / 3) * 0.9 ** epoch, 14);
    }
  });

  it('resume from stateDict()', () => {
    const optimizer = new optim.SGD([parameter()], { lr: 0.1 });
    const scheduler = new optim.CosineAnnealingLR(optimizer, { tMax: 8 });
    for (let i = 0; i < 3; i++) scheduler.step();
    const saved = JSON.parse(JSON.stringify({ optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict() })) as { optimizer: optim.OptimizerStateDict; scheduler: optim.LRSchedulerStateDict };
    const resumedOptimizer = new optim.SGD([parameter()], { lr: 0.1 });
    resumedOptimizer.loadStateDict(saved.optimizer);
    const resumed = new optim.CosineAnnealingLR(resumedOptimizer, { tMax: 8 });
    resumed.loadStateDict(saved.scheduler);
    expect(resumed.getLastLr()).toEqual(scheduler.getLastLr());
    scheduler.step();
    resumed.step();
    expect(resumed.getLastLr()).toEqual(scheduler.getLastLr());
    expect(() => resumed.loadStateDict({ lastEpoch: -1, baseLrs: [0.1] })).toThrow(/CosineAnnealingLR.loadStateDict\(\): expected \{ lastEpoch: integer >= 0, baseLrs: 1 numbers >= 0 \}/);
  });
});

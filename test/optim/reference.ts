// PyTorch's update rules written out plainly in float64, to check the fused float32 kernels on
// settings the golden fixtures do not cover; plus a runner for the fixture cases.
import { expect } from 'vitest';
import { keep, tensor, type Tensor, type optim } from 'simdgrad';
import { expectCloseToFixture, fromFixture, type FixtureCase } from '../helpers/fixtures.js';

export type Trajectory = number[][];

export interface ReferenceOptions {
  lr: number;
  weightDecay?: number;
  maximize?: boolean;
}

function effectiveGrad(grad: number[], param: number[], o: ReferenceOptions): number[] {
  return grad.map((g, i) => (o.maximize ? -g : g) + (o.weightDecay ?? 0) * param[i]!);
}

export function referenceSGD(start: number[], grads: number[][], o: ReferenceOptions & { momentum?: number; dampening?: number; nesterov?: boolean }): Trajectory {
  const p = [...start];
  const momentum = o.momentum ?? 0;
  let buf: number[] | null = null;
  return grads.map((grad) => {
    let d = effectiveGrad(grad, p, o);
    if (momentum !== 0) {
      buf = buf ? buf.map((b, i) => momentum * b + (1 - (o.dampening ?? 0)) * d[i]!) : [...d];
      const b = buf;
      d = o.nesterov ? d.map((x, i) => x + momentum * b[i]!) : [...b];
    }
    d.forEach((x, i) => (p[i]! -= o.lr * x));
    return [...p];
  });
}

export function referenceAdam(start: number[], grads: number[][], o: ReferenceOptions & { betas?: [number, number]; eps?: number; amsgrad?: boolean; decoupled?: boolean }): Trajectory {
  const p = [...start];
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vMax = p.map(() => 0);
  return grads.map((grad, t) => {
    const step = t + 1;
    const d = effectiveGrad(grad, p, o.decoupled ? { ...o, weightDecay: 0 } : o);
    if (o.decoupled) p.forEach((x, i) => (p[i] = x * (1 - o.lr * (o.weightDecay ?? 0))));
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * d[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * d[i]! * d[i]!;
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const second = o.amsgrad ? vMax[i]! : v[i]!;
      const denom = Math.sqrt(second) / Math.sqrt(1 - beta2 ** step) + eps;
      p[i]! -= (o.lr / (1 - beta1 ** step)) * (m[i]! / denom);
    }
    return [...p];
  });
}

export function referenceRMSprop(start: number[], grads: number[][], o: ReferenceOptions & { alpha?: number; eps?: number; momentum?: number; centered?: boolean }): Trajectory {
  const p = [...start];
  const alpha = o.alpha ?? 0.99;
  const eps = o.eps ?? 1e-8;
  const momentum = o.momentum ?? 0;
  const square = p.map(() => 0);
  const mean = p.map(() => 0);
  const buf = p.map(() => 0);
  return grads.map((grad) => {
    const d = effectiveGrad(grad, p, o);
    for (let i = 0; i < p.length; i++) {
      square[i] = alpha * square[i]! + (1 - alpha) * d[i]! * d[i]!;
      mean[i] = alpha * mean[i]! + (1 - alpha) * d[i]!;
      const variance = o.centered ? square[i]! - mean[i]! * mean[i]! : square[i]!;
      const scaled = d[i]! / (Math.sqrt(variance) + eps);
      if (momentum > 0) {
        buf[i] = momentum * buf[i]! + scaled;
        p[i]! -= o.lr * buf[i]!;
      } else {
        p[i]! -= o.lr * scaled;
      }
    }
    return [...p];
  });
}

export function referenceAdagrad(start: number[], grads: number[][], o: ReferenceOptions & { lrDecay?: number; initialAccumulatorValue?: number; eps?: number }): Trajectory {
  const p = [...start];
  const eps = o.eps ?? 1e-10;
  const sum = p.map(() => o.initialAccumulatorValue ?? 0);
  return grads.map((grad, t) => {
    const d = effectiveGrad(grad, p, o);
    const lr = o.lr / (1 + t * (o.lrDecay ?? 0));
    for (let i = 0; i < p.length; i++) {
      sum[i]! += d[i]! * d[i]!;
      p[i]! -= (lr * d[i]!) / (Math.sqrt(sum[i]!) + eps);
    }
    return [...p];
  });
}

/** Float32-exact values with mixed signs and magnitudes; `seed` varies them. */
export function referenceAdamax(start: number[], grads: number[][], o: ReferenceOptions & { betas?: [number, number]; eps?: number }): Trajectory {
  const p = [...start];
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const m = p.map(() => 0);
  const u = p.map(() => 0);
  return grads.map((grad, t) => {
    const d = effectiveGrad(grad, p, o);
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * d[i]!;
      u[i] = Math.max(beta2 * u[i]!, Math.abs(d[i]!) + eps);
      p[i]! -= (o.lr / (1 - beta1 ** (t + 1))) * (m[i]! / u[i]!);
    }
    return [...p];
  });
}

// PyTorch 2.0's rule, the momentum product kept as its state is.
export function referenceNAdam(start: number[], grads: number[][], o: ReferenceOptions & { betas?: [number, number]; eps?: number; momentumDecay?: number; decoupledWeightDecay?: boolean }): Trajectory {
  const p = [...start];
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const psi = o.momentumDecay ?? 4e-3;
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  let product = 1;
  return grads.map((grad, t) => {
    const step = t + 1;
    const d = effectiveGrad(grad, p, o.decoupledWeightDecay ? { ...o, weightDecay: 0 } : o);
    if (o.decoupledWeightDecay) p.forEach((x, i) => (p[i] = x * (1 - o.lr * (o.weightDecay ?? 0))));
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
    product *= mu;
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * d[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * d[i]! * d[i]!;
      const denom = Math.sqrt(v[i]! / (1 - beta2 ** step)) + eps;
      p[i]! -= (o.lr * (1 - mu)) / (1 - product) * (d[i]! / denom) + (o.lr * muNext) / (1 - product * muNext) * (m[i]! / denom);
    }
    return [...p];
  });
}

export function referenceRAdam(start: number[], grads: number[][], o: ReferenceOptions & { betas?: [number, number]; eps?: number; decoupledWeightDecay?: boolean }): Trajectory {
  const p = [...start];
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const rhoInf = 2 / (1 - beta2) - 1;
  return grads.map((grad, t) => {
    const step = t + 1;
    const d = effectiveGrad(grad, p, o.decoupledWeightDecay ? { ...o, weightDecay: 0 } : o);
    if (o.decoupledWeightDecay) p.forEach((x, i) => (p[i] = x * (1 - o.lr * (o.weightDecay ?? 0))));
    const rho = rhoInf - (2 * step * beta2 ** step) / (1 - beta2 ** step);
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * d[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * d[i]! * d[i]!;
      const corrected = m[i]! / (1 - beta1 ** step);
      if (rho > 5) {
        const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
        p[i]! -= o.lr * corrected * r * (Math.sqrt(1 - beta2 ** step) / (Math.sqrt(v[i]!) + eps));
      } else {
        p[i]! -= o.lr * corrected;
      }
    }
    return [...p];
  });
}

export function referenceAdadelta(start: number[], grads: number[][], o: ReferenceOptions & { rho?: number; eps?: number }): Trajectory {
  const p = [...start];
  const rho = o.rho ?? 0.9;
  const eps = o.eps ?? 1e-6;
  const v = p.map(() => 0);
  const a = p.map(() => 0);
  return grads.map((grad) => {
    const d = effectiveGrad(grad, p, o);
    for (let i = 0; i < p.length; i++) {
      v[i] = rho * v[i]! + (1 - rho) * d[i]! * d[i]!;
      const delta = (Math.sqrt(a[i]! + eps) / Math.sqrt(v[i]! + eps)) * d[i]!;
      a[i] = rho * a[i]! + (1 - rho) * delta * delta;
      p[i]! -= o.lr * delta;
    }
    return [...p];
  });
}

export function values(count: number, seed: number, scale = 1): number[] {
  return Array.from({ length: count }, (_, i) => Math.fround(scale * Math.sin(1.37 * i + 2.1 * seed + 0.5) * (1 + (i % 3))));
}

export function gradients(steps: number, size: number, seed = 1): number[][] {
  return Array.from({ length: steps }, (_, t) => values(size, seed + 7 * (t + 1)));
}

/** Replaces param.grad (disposing the old one), kept so tidy() cannot free it. */
export function setGrad(param: Tensor, data: readonly number[]): void {
  param.grad?.dispose();
  param.grad = keep(tensor(Float32Array.from(data), [...param.shape]));
}

/** Steps a fresh optimizer over `start` with each gradient and checks every step against `want`. */
export function expectTrajectory(make: (params: Tensor[]) => optim.Optimizer, start: number[], grads: number[][], want: Trajectory): void {
  const param = tensor(Float32Array.from(start), [start.length], { requiresGrad: true });
  const optimizer = make([param]);
  grads.forEach((grad, t) => {
    setGrad(param, grad);
    optimizer.step();
    expectCloseToFixture(param, { shape: [start.length], data: want[t]! }, `step ${t + 1}`);
  });
  optimizer.dispose();
  param.dispose();
}

/** A golden optim.json case: the fixture's options converted to camelCase, one step per gradient row. */
export function expectFixtureCase(c: FixtureCase, make: (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer): void {
  const options = Object.fromEntries(Object.entries(c.params).map(([key, value]) => [camelCase(key), value]));
  const param = fromFixture(c.inputs.param!, true);
  const optimizer = make([param], options);
  const [steps, size] = c.inputs.grads!.shape as [number, number];
  expect(c.output.shape).toEqual([steps, size]);
  for (let t = 0; t < steps; t++) {
    setGrad(param, c.inputs.grads!.data.slice(t * size, (t + 1) * size));
    optimizer.step();
    expectCloseToFixture(param, { shape: [size], data: c.output.data.slice(t * size, (t + 1) * size) }, `${c.name} step ${t + 1}`);
  }
  optimizer.dispose();
  param.dispose();
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

import { describe, expect, it, vi } from 'vitest';

// A step that runs out of memory half-way must leave parameters and state as they were. This
// needs a module of its own whose memory is capped and then filled, so it lives in its own file.

type Simdgrad = typeof import('simdgrad');
type Tensor = import('simdgrad').Tensor;

async function cappedModule(): Promise<Simdgrad> {
  vi.resetModules();
  const sg = (await import('simdgrad')) as Simdgrad;
  await sg.init({ maxMemoryMiB: 16 });
  return sg;
}

const BIG = [512, 512]; // 1 MiB: the third parameter, and each of its Adam state buffers

function allocateUntilFull(sg: Simdgrad, size: number): Tensor[] {
  const blocks: Tensor[] = [];
  for (;;) {
    try {
      blocks.push(sg.zeros([size]));
    } catch {
      return blocks;
    }
  }
}

// Leaves room for the small blocks a step needs (tables, small state buffers), for exactly one
// block of BIG's size, and for nothing else. The allocator reuses a freed block for a request of
// its size or down to half its size, and never merges blocks, so: reserve two BIG blocks, fill
// everything else, then free some 64- and 256-byte blocks and one BIG block. Returns what frees
// the rest.
function fillMemoryLeavingOneBigBlock(sg: Simdgrad): () => void {
  const reserve = [sg.zeros(BIG), sg.zeros(BIG)];
  const ballast = [16384, 64, 16].flatMap((size) => allocateUntilFull(sg, size));
  const small = [...ballast.filter((t) => t.size === 16).slice(0, 16), ...ballast.filter((t) => t.size === 64).slice(0, 16)];
  for (const t of small) t.dispose();
  reserve[0]!.dispose();
  return () => {
    reserve[1]!.dispose();
    for (const t of ballast) if (!t.isDisposed) t.dispose();
  };
}

function makeParams(sg: Simdgrad): Tensor[] {
  return [
    sg.tensor([0.5, -1, 2], [3], { requiresGrad: true }),
    sg.tensor([1, 2, 3, 4, 5], [5], { requiresGrad: true }),
    sg.full(BIG, 0.25, { requiresGrad: true }),
  ];
}

function setGrads(sg: Simdgrad, params: Tensor[], which: number[]): void {
  params.forEach((p, i) => {
    p.grad?.dispose();
    p.grad = which.includes(i) ? sg.keep(sg.full(p.shape, 0.1 * (i + 1))) : null;
  });
}

// Adam after a first step without a gradient for the big parameter, so that the next step
// creates its state last: after the other parameters' entries (one group), or after the first
// group has been written (two groups).
function adamAfterOneStep(sg: Simdgrad, params: Tensor[], groups: 1 | 2): import('simdgrad').optim.Adam {
  const paramGroups = groups === 1 ? [{ params }] : [{ params: params.slice(0, 2) }, { params: params.slice(2) }];
  const optimizer = new sg.optim.Adam(paramGroups, { lr: 0.1 });
  setGrads(sg, params, [0, 1]);
  optimizer.step();
  setGrads(sg, params, [0, 1, 2]);
  return optimizer;
}

const valuesOf = (params: Tensor[]): number[][] => params.map((p) => Array.from(p.toFloat32Array()));

describe('optimizer.step() that runs out of memory half-way', () => {
  for (const groups of [1, 2] as const) {
    it(`changes no parameter and no state, leaks nothing, and a retried step equals an unbroken run (${groups === 1 ? 'one param group' : 'two param groups'})`, async () => {
      const sg = await cappedModule();
      const unbroken = makeParams(sg);
      const reference = adamAfterOneStep(sg, unbroken, groups);
      reference.step();

      const params = makeParams(sg);
      const optimizer = adamAfterOneStep(sg, params, groups);
      const freeTheRest = fillMemoryLeavingOneBigBlock(sg);
      const valuesBefore = valuesOf(params);
      const stateBefore = JSON.stringify(optimizer.stateDict());
      const tensorsBefore = sg.memory().tensors;
      expect(() => optimizer.step()).toThrow(/simdgrad: out of memory: a tensor of shape \[512, 512\]/);
      expect(valuesOf(params)).toEqual(valuesBefore);
      expect(JSON.stringify(optimizer.stateDict())).toBe(stateBefore);
      expect(sg.memory().tensors).toBe(tensorsBefore);

      freeTheRest();
      optimizer.step();
      expect(valuesOf(params)).toEqual(valuesOf(unbroken));
      expect(JSON.stringify(optimizer.stateDict())).toBe(JSON.stringify(reference.stateDict()));
    });
  }
});

import { describe, expect, it, vi } from 'vitest';

type Simdgrad = typeof import('simdgrad');

const STEPS = 20;
const BATCH = 64;

// A fresh copy of the library per run: init() loads once per program.
async function freshLibrary(threads: number | undefined): Promise<Simdgrad> {
  vi.resetModules();
  const sg = (await import('simdgrad')) as Simdgrad;
  await sg.init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', ...(threads === undefined ? {} : { threads }) });
  return sg;
}

function inputs(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

// W3 (../shared/WORKLOADS.md): LeNet on [64, 1, 28, 28], cross-entropy, Adam(1e-3), 20 steps on
// fixed batches; returns every parameter's bits afterwards.
async function trainW3(threads: number | undefined): Promise<{ threads: number; parameters: Record<string, number[]> }> {
  const { F, getNumThreads, manualSeed, nn, optim, tensor } = await freshLibrary(threads);
  manualSeed(7);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 10),
  );
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  for (let step = 0; step < STEPS; step++) {
    const x = tensor(inputs(BATCH * 28 * 28, step + 1), [BATCH, 1, 28, 28]);
    const target = Array.from({ length: BATCH }, (_, i) => (i * 7 + step) % 10);
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), target);
    loss.backward();
    optimizer.step();
    loss.dispose();
    x.dispose();
  }
  const parameters = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, Array.from(new Uint32Array(p.toFloat32Array().buffer))]));
  return { threads: getNumThreads(), parameters };
}

describe('training with threads', () => {
  it('trains W3 for 20 steps to the same parameters, bit for bit, with 1, 2, 3 and 4 threads as without threads', async () => {
    const serial = await trainW3(undefined);
    expect(serial.threads).toBe(1);
    for (const threads of [1, 2, 3, 4]) {
      const run = await trainW3(threads);
      expect(run.threads).toBe(threads);
      for (const [name, bits] of Object.entries(serial.parameters)) {
        const differing = run.parameters[name]!.findIndex((b, i) => b !== bits[i]);
        expect({ threads, name, differing }).toEqual({ threads, name, differing: -1 });
      }
    }
  });
});

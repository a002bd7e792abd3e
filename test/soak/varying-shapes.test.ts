// A long, bounded soak (the dist project only): training with batch sizes that change every step,
// evaluation passes, and steps that fail and are caught, under a tight memory cap. Memory must
// stay flat and the cap must never be hit except by the step built to hit it.
import { describe, expect, it, vi } from 'vitest';

type Simdgrad = typeof import('simdgrad');

async function freshModule(maxMemoryMiB: number): Promise<Simdgrad> {
  vi.resetModules();
  const sg = (await import('simdgrad')) as Simdgrad;
  await sg.init({ maxMemoryMiB });
  return sg;
}

describe('soak: varying shapes, evaluation and failing steps', () => {
  it('keeps memory flat for 6,000 steps under a 24 MiB cap', async () => {
    const sg = await freshModule(24);
    const { F, nn, optim, tidy, noGrad, memory, manualSeed, rand, tensor } = sg;
    manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(196, 96), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(96, 10));
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    let seed = 11;
    const randomInt = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const batch = (size: number) => [rand([size, 196]), tensor(Array.from({ length: size }, () => randomInt(10)))] as const;

    const samples: { step: number; bytes: number; tensors: number; wasmBytes: number }[] = [];
    let failures = 0;
    for (let step = 1; step <= 6000; step++) {
      const [x, y] = batch(1 + randomInt(160));
      if (step % 40 === 0) {
        const failing = () => tidy(() => {
          const loss = F.crossEntropy(model.forward(x), y);
          loss.backward();
          if (step % 80 === 0) rand([8, 1024, 1024]);
          else F.crossEntropy(model.forward(x), tensor([99]));
        });
        expect(failing).toThrow(step % 80 === 0 ? /simdgrad: out of memory/ : /simdgrad: crossEntropy/);
        model.zeroGrad();
        failures++;
      } else if (step % 25 === 0) {
        model.eval();
        for (const size of [7, 64, 130]) {
          const [ex, ey] = batch(size);
          noGrad(() => tidy(() => F.crossEntropy(model.forward(ex), ey).item()));
          ex.dispose();
          ey.dispose();
        }
        model.train();
      } else {
        tidy(() => {
          optimizer.zeroGrad();
          F.crossEntropy(model.forward(x), y).backward();
          optimizer.step();
        });
      }
      x.dispose();
      y.dispose();
      if (step % 500 === 0) {
        optimizer.zeroGrad();
        const { bytes, tensors, wasmBytes } = memory();
        samples.push({ step, bytes, tensors, wasmBytes });
      }
    }
    expect(failures).toBe(150);
    const first = samples[0]!;
    for (const sample of samples) expect(sample, `memory at step ${sample.step}`).toEqual({ ...first, step: sample.step });
  });
});

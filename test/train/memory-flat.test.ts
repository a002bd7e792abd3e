import { describe, expect, it, vi } from 'vitest';
import { F, data, manualSeed, memory, nn, noGrad, optim, rand, tensor, tidy } from 'simdgrad';
import { loadFashionMnist } from 'simdgrad/node';

describe("the README's training loop", () => {
  it('keeps memory() flat over 5,000 steps', async () => {
    manualSeed(1);
    const { train } = await loadFashionMnist({ source: 'subset' });
    const labels = tensor(Float32Array.from(train.labels), [train.labels.length]);
    const dataset = new data.TensorDataset(train.images.reshape(-1, 784), labels);
    const loader = new data.DataLoader(dataset, { batchSize: 32, shuffle: true });
    const model = new nn.Sequential(new nn.Linear(784, 64), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(64, 10));
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });

    const samples: { step: number; tensors: number; bytes: number; wasmBytes: number }[] = [];
    let step = 0;
    while (step < 5000) {
      for (const [x, y] of loader) {
        tidy(() => {
          optimizer.zeroGrad();
          const loss = F.crossEntropy(model.forward(x!), y!);
          loss.backward();
          optimizer.step();
        });
        x!.dispose();
        y!.dispose();
        if (++step % 500 === 0) samples.push({ step, ...memory() });
        if (step === 5000) break;
      }
    }

    const first = samples[0]!;
    for (const sample of samples) {
      expect(sample.tensors, `live tensors at step ${sample.step}`).toBe(first.tensors);
      expect(sample.bytes, `bytes in use at step ${sample.step}`).toBe(first.bytes);
      expect(sample.wasmBytes, `wasm memory at step ${sample.step}`).toBe(first.wasmBytes);
    }
  });
});

describe('loops written as a PyTorch user writes them, without tidy', () => {
  function mlp() {
    manualSeed(2);
    return new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(32, 16), new nn.Tanh(), new nn.Linear(16, 4));
  }

  it('an evaluation loop that disposes each output stays flat', () => {
    const model = mlp().eval();
    const x = rand([16, 20]);
    const samples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const out = noGrad(() => model.forward(x));
      out.dispose();
      if (i % 500 === 0) samples.push(memory().bytes);
    }
    expect(new Set(samples).size).toBe(1);
  });

  it('a training loop that disposes the loss and the output stays flat', () => {
    const model = mlp();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = rand([16, 20]);
    const y = tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    const samples: { tensors: number; bytes: number }[] = [];
    for (let i = 0; i < 2000; i++) {
      optimizer.zeroGrad();
      const out = model.forward(x);
      const loss = F.crossEntropy(out, y);
      loss.backward();
      optimizer.step();
      loss.dispose();
      out.dispose();
      if (i % 400 === 399) samples.push({ tensors: memory().tensors, bytes: memory().bytes });
    }
    expect(samples.every((s) => s.tensors === samples[0]!.tensors && s.bytes === samples[0]!.bytes)).toBe(true);
  });

  it('warns once, naming the op, when a loop keeps tensors it never frees', () => {
    const model = mlp().eval();
    const x = rand([4, 20]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const leaked = [];
    for (let i = 0; i < 1200; i++) leaked.push(noGrad(() => model.forward(x)));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/simdgrad: memory keeps growing: \d+ more tensors are alive than 256 steps ago, \d+ of them made by 'linear'\. .*dispose\(\).*tidy/);
    warn.mockRestore();
    const byOp = memory({ detail: true }).byOp!;
    expect(byOp.find((g) => g.op === 'linear')).toMatchObject({ tensors: 1200, bytes: 1200 * 4 * 4 * 4 });
    for (const t of leaked) t.dispose();
    expect(memory({ detail: true }).byOp!.find((g) => g.op === 'linear')).toBeUndefined();
  });
});

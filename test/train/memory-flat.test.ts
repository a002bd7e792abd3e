import { describe, expect, it } from 'vitest';
import { F, data, manualSeed, memory, nn, optim, tensor, tidy } from 'simdgrad';
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

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The dist project only (vitest.config.mjs): it writes and reads 2.5 GiB, once is enough.
const dir = mkdtempSync(join(tmpdir(), 'simdgrad-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Simdgrad = typeof import('simdgrad');

const TENSORS = 5;
const SHAPE = [16384, 8192]; // 512 MiB of float32 each: 2.5 GiB in all, past every 2 GiB limit

describe('saveWeights / loadWeights of a file over 2 GiB', () => {
  it('saves and loads 2.5 GiB of weights, tensor by tensor', async () => {
    vi.resetModules();
    const sg = (await import('simdgrad')) as Simdgrad;
    const { loadWeights, saveWeights } = await import('simdgrad/node');
    await sg.init({ build: 'simd', maxMemoryMiB: 4096 });

    class Big extends sg.nn.Module {
      constructor() {
        super();
        for (let i = 0; i < TENSORS; i++) this.registerParameter(`w${i}`, sg.full(SHAPE, i + 0.5));
      }
      forward(x: InstanceType<Simdgrad['Tensor']>) {
        return x;
      }
    }
    const model = new Big();
    const path = join(dir, 'large.safetensors');
    await saveWeights(model, path);
    const dataBytes = TENSORS * SHAPE[0]! * SHAPE[1]! * 4;
    expect(dataBytes).toBeGreaterThan(2.5 * 2 ** 30 - 1);
    expect(statSync(path).size).toBeGreaterThan(dataBytes);

    for (const p of model.parameters()) sg.nn.init.zeros_(p);
    expect(await loadWeights(model, path)).toEqual({ missingKeys: [], unexpectedKeys: [], metadata: { format: 'pt' } });
    rmSync(path);
    model.parameters().forEach((p, i) => {
      // Every value came back: the largest and the smallest both equal the saved constant.
      expect(sg.tidy(() => [sg.max(p).item(), -sg.max(sg.neg(p)).item()])).toEqual([i + 0.5, i + 0.5]);
    });
  });
});

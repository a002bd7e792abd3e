import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io, nn, optim, tensor } from 'simdgrad';
import { loadCheckpoint, loadWeights, saveCheckpoint, saveWeights } from 'simdgrad/node';
import { parameterValues, smallInput, smallModel, trainStep } from '../helpers/small-model.js';

const dir = mkdtempSync(join(tmpdir(), 'simdgrad-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveWeights / loadWeights', () => {
  it('round-trips a model through a .safetensors file: identical outputs and buffers', async () => {
    const source = smallModel(1);
    trainStep(source, new optim.SGD(source.parameters(), { lr: 0.1 }));
    source.eval();
    const path = join(dir, 'model.safetensors');
    await saveWeights(source, path, { metadata: { dataset: 'toy' } });

    const restored = smallModel(2).eval();
    expect(restored.forward(smallInput()).toFloat32Array()).not.toEqual(source.forward(smallInput()).toFloat32Array());
    const result = await loadWeights(restored, path);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], metadata: { format: 'pt', dataset: 'toy' } });
    expect(restored.stateDict()).toEqual(source.stateDict());
    expect(restored.forward(smallInput()).toFloat32Array()).toEqual(source.forward(smallInput()).toFloat32Array());
  });

  it('writes exactly what io.encodeSafetensors makes, with format "pt" for Hugging Face loaders', async () => {
    const net = smallModel(3);
    const path = join(dir, 'exact.safetensors');
    await saveWeights(net, path);
    expect(new Uint8Array(readFileSync(path))).toEqual(io.encodeSafetensors(net.stateDict(), { format: 'pt' }));
  });

  it('saves atomically: replaces the old file and leaves no .tmp behind', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    const path = join(folder, 'weights.safetensors');
    await saveWeights(smallModel(1), path);
    await saveWeights(smallModel(2), path);
    expect(readdirSync(folder)).toEqual(['weights.safetensors']);
    const check = smallModel(3);
    await loadWeights(check, path);
    expect(check.stateDict()).toEqual(smallModel(2).stateDict());
  });

  it('concurrent saves to one path leave exactly one complete save, and no temporary files', async () => {
    const folder = mkdtempSync(join(dir, 'concurrent-'));
    const path = join(folder, 'weights.safetensors');
    const models = Array.from({ length: 12 }, (_, i) => smallModel(10 + i));
    const saved = models.map((net) => io.encodeSafetensors(net.stateDict(), { format: 'pt' }));
    for (let round = 0; round < 5; round++) {
      await Promise.all(models.map((net) => saveWeights(net, path)));
      const file = new Uint8Array(readFileSync(path));
      expect(saved.filter((bytes) => bytes.length === file.length && bytes.every((b, i) => b === file[i]))).toHaveLength(1);
    }
    expect(readdirSync(folder)).toEqual(['weights.safetensors']);
  });

  it('when the save fails, the earlier file is intact and no .tmp is left', async () => {
    const folder = mkdtempSync(join(dir, 'failed-'));
    const path = join(folder, 'weights.safetensors');
    await saveWeights(smallModel(1), path);
    const before = readFileSync(path);

    // loadStateDict refuses NaN, so the diverged bias is registered in place of the first layer's.
    const diverged = smallModel(2);
    diverged.at(0).registerParameter('bias', tensor([NaN, 0, 0, 0]));
    await expect(saveWeights(diverged, path)).rejects.toThrow(`simdgrad: saveWeights('${path}'): encodeSafetensors: tensor '0.bias' holds NaN at index 0`);

    const intoFolder = join(folder, 'a-folder');
    mkdirSync(intoFolder);
    await expect(saveWeights(smallModel(1), intoFolder)).rejects.toThrow(`simdgrad: saveWeights('${intoFolder}'):`);

    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(folder).sort()).toEqual(['a-folder', 'weights.safetensors']);
  });

  it('refuses a truncated file, naming the file, and leaves the model unchanged', async () => {
    const path = join(dir, 'truncated.safetensors');
    const full = io.encodeSafetensors(smallModel(1).stateDict());
    writeFileSync(path, full.subarray(0, full.length - 10));
    const net = smallModel(2);
    const before = net.stateDict();
    await expect(loadWeights(net, path)).rejects.toThrow(
      `simdgrad: loadWeights('${path}'): decodeSafetensors: tensor '3.weight' has data_offsets [144, 176], beyond the data section's 166 bytes; the file is truncated: save or download it again.`,
    );
    expect(net.stateDict()).toEqual(before);
  });

  it('refuses weights for another architecture, and with strict: false loads what matches', async () => {
    const path = join(dir, 'linear.safetensors');
    const linear = new nn.Linear(3, 4);
    await saveWeights(new nn.Sequential(linear), path);
    const net = smallModel(2);
    const before = net.stateDict();
    await expect(loadWeights(net, path)).rejects.toThrow(/loadWeights\('.*linear\.safetensors'\): Sequential\.loadStateDict: .*missing keys: '1\.weight'/s);
    expect(net.stateDict()).toEqual(before);

    const result = await loadWeights(net, path, { strict: false });
    expect(result.missingKeys).toEqual(['1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight', '3.bias']);
    expect(net.stateDict().get('0.weight')!.data).toEqual(linear.weight.toFloat32Array());
  });

  it('refuses a header length over 100 MB from the first 8 bytes, without reading on', async () => {
    const path = join(dir, 'huge-header.safetensors');
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, 2n ** 40n, true);
    writeFileSync(path, Uint8Array.from([...prefix, ...new TextEncoder().encode('{}')]));
    await expect(loadWeights(smallModel(1), path)).rejects.toThrow(`simdgrad: loadWeights('${path}'): decodeSafetensors: the header length says ${2 ** 40} bytes, more than the 100000000 the safetensors format allows`);
  });

  it("keeps BatchNorm's batch count exact through a file, past what float32 holds, as I64", async () => {
    const source = smallModel(1);
    const state = source.stateDict();
    state.set('1.num_batches_tracked', { shape: [], data: Float32Array.of(2 ** 40), dtype: 'I64', integers: BigInt64Array.of(2n ** 40n + 3n) });
    source.loadStateDict(state);
    const path = join(dir, 'count.safetensors');
    await saveWeights(source, path);
    expect(io.decodeSafetensors(readFileSync(path)).tensors.get('1.num_batches_tracked')).toMatchObject({ dtype: 'I64', integers: BigInt64Array.of(2n ** 40n + 3n) });
    const restored = smallModel(2);
    await loadWeights(restored, path);
    expect(restored.stateDict().get('1.num_batches_tracked')!.integers).toEqual(BigInt64Array.of(2n ** 40n + 3n));
  });

  it('reports a missing file with its path', async () => {
    const path = join(dir, 'nowhere.safetensors');
    await expect(loadWeights(smallModel(1), path)).rejects.toThrow(`simdgrad: loadWeights('${path}'): ENOENT`);
  });
});

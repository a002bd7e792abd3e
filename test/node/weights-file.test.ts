import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { F, io, manualSeed, nn, optim, tensor, type Tensor } from 'simdgrad';
import { loadCheckpoint, loadWeights, saveCheckpoint, saveWeights } from 'simdgrad/node';

const dir = mkdtempSync(join(tmpdir(), 'simdgrad-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

const input = () => tensor([[0.5, -1, 2], [1, 1, -1], [0, 2, 0.25]]);
const target = () => tensor([[1, 0], [0, 1], [0.5, 0.5]]);

function trainStep(net: nn.Module, optimizer: optim.Optimizer): void {
  optimizer.zeroGrad();
  F.mseLoss(net.forward(input()), target()).backward();
  optimizer.step();
}

function parameterValues(net: nn.Module): Float32Array[] {
  return net.parameters().map((p: Tensor) => p.toFloat32Array());
}

describe('saveWeights / loadWeights', () => {
  it('round-trips a model through a .safetensors file: identical outputs and buffers', async () => {
    const source = model(1);
    trainStep(source, new optim.SGD(source.parameters(), { lr: 0.1 }));
    source.eval();
    const path = join(dir, 'model.safetensors');
    await saveWeights(source, path, { metadata: { dataset: 'toy' } });

    const restored = model(2).eval();
    expect(restored.forward(input()).toFloat32Array()).not.toEqual(source.forward(input()).toFloat32Array());
    const result = await loadWeights(restored, path);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], metadata: { format: 'pt', dataset: 'toy' } });
    expect(restored.stateDict()).toEqual(source.stateDict());
    expect(restored.forward(input()).toFloat32Array()).toEqual(source.forward(input()).toFloat32Array());
  });

  it('writes exactly what io.encodeSafetensors makes, with format "pt" for Hugging Face loaders', async () => {
    const net = model(3);
    const path = join(dir, 'exact.safetensors');
    await saveWeights(net, path);
    expect(new Uint8Array(readFileSync(path))).toEqual(io.encodeSafetensors(net.stateDict(), { format: 'pt' }));
  });

  it('saves atomically: replaces the old file and leaves no .tmp behind', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    const path = join(folder, 'weights.safetensors');
    await saveWeights(model(1), path);
    await saveWeights(model(2), path);
    expect(readdirSync(folder)).toEqual(['weights.safetensors']);
    const check = model(3);
    await loadWeights(check, path);
    expect(check.stateDict()).toEqual(model(2).stateDict());
  });

  it('when the save fails, the earlier file is intact and no .tmp is left', async () => {
    const folder = mkdtempSync(join(dir, 'failed-'));
    const path = join(folder, 'weights.safetensors');
    await saveWeights(model(1), path);
    const before = readFileSync(path);

    // loadStateDict refuses NaN, so the diverged bias is registered in place of the first layer's.
    const diverged = model(2);
    diverged.at(0).registerParameter('bias', tensor([NaN, 0, 0, 0]));
    await expect(saveWeights(diverged, path)).rejects.toThrow(`simdgrad: saveWeights('${path}'): encodeSafetensors: tensor '0.bias' holds NaN at index 0`);

    const intoFolder = join(folder, 'a-folder');
    mkdirSync(intoFolder);
    await expect(saveWeights(model(1), intoFolder)).rejects.toThrow(`simdgrad: saveWeights('${intoFolder}'):`);

    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(folder).sort()).toEqual(['a-folder', 'weights.safetensors']);
  });

  it('refuses a truncated file, naming the file, and leaves the model unchanged', async () => {
    const path = join(dir, 'truncated.safetensors');
    const full = io.encodeSafetensors(model(1).stateDict());
    writeFileSync(path, full.subarray(0, full.length - 10));
    const net = model(2);
    const before = net.stateDict();
    await expect(loadWeights(net, path)).rejects.toThrow(
      `simdgrad: loadWeights('${path}'): decodeSafetensors: tensor '3.weight' has data_offsets [132, 164], beyond the data section's 162 bytes; the file is truncated: save or download it again.`,
    );
    expect(net.stateDict()).toEqual(before);
  });

  it('refuses weights for another architecture, and with strict: false loads what matches', async () => {
    const path = join(dir, 'linear.safetensors');
    const linear = new nn.Linear(3, 4);
    await saveWeights(new nn.Sequential(linear), path);
    const net = model(2);
    const before = net.stateDict();
    await expect(loadWeights(net, path)).rejects.toThrow(/loadWeights\('.*linear\.safetensors'\): Sequential\.loadStateDict: .*missing keys: '1\.weight'/s);
    expect(net.stateDict()).toEqual(before);

    const result = await loadWeights(net, path, { strict: false });
    expect(result.missingKeys).toEqual(['1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight', '3.bias']);
    expect(net.stateDict().get('0.weight')!.data).toEqual(linear.weight.toFloat32Array());
  });

  it('reports a missing file with its path', async () => {
    const path = join(dir, 'nowhere.safetensors');
    await expect(loadWeights(model(1), path)).rejects.toThrow(`simdgrad: loadWeights('${path}'): ENOENT`);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('resumes training exactly: one more Adam step after loading matches one more step without saving', async () => {
    const original = model(1);
    const adam = new optim.Adam(original.parameters(), { lr: 0.01, betas: [0.8, 0.99] });
    for (let i = 0; i < 3; i++) trainStep(original, adam);
    const path = join(dir, 'checkpoint.safetensors');
    await saveCheckpoint(path, { model: original, optimizer: adam, epoch: 3 });
    trainStep(original, adam);

    const resumed = model(2);
    const resumedAdam = new optim.Adam(resumed.parameters(), { lr: 0.5 });
    expect(await loadCheckpoint(path, { model: resumed, optimizer: resumedAdam })).toEqual({ epoch: 3 });
    expect(resumedAdam.paramGroups[0]!.lr).toBe(0.01);
    trainStep(resumed, resumedAdam);

    expect(parameterValues(resumed)).toEqual(parameterValues(original));
    expect(resumed.stateDict()).toEqual(original.stateDict());
    expect(resumedAdam.stateDict()).toEqual(adam.stateDict());
  });

  it('is a safetensors file: model.<name> tensors, optimizer buffers shaped like their parameters, JSON metadata', async () => {
    const net = model(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    trainStep(net, sgd);
    const path = join(dir, 'sgd-checkpoint.safetensors');
    await saveCheckpoint(path, { model: net, optimizer: sgd, epoch: 7 });

    const { tensors, metadata } = io.decodeSafetensors(readFileSync(path));
    expect([...tensors.keys()]).toEqual([
      ...['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight', '3.bias'].map((k) => `model.${k}`),
      ...[0, 1, 2, 3, 4, 5].map((i) => `optimizer.${i}.momentumBuffer`),
    ]);
    expect(tensors.get('optimizer.4.momentumBuffer')!.shape).toEqual([2, 4]);
    expect(tensors.get('model.3.weight')).toEqual(net.stateDict().get('3.weight'));
    expect(metadata.epoch).toBe('7');
    const saved = JSON.parse(metadata.optimizer!);
    expect(saved.steps).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(saved.paramGroups).toEqual(sgd.stateDict().paramGroups);
  });

  it('leaves model and optimizer unchanged when the optimizer does not fit', async () => {
    const net = model(1);
    const adam = new optim.Adam(net.parameters());
    trainStep(net, adam);
    const path = join(dir, 'adam-checkpoint.safetensors');
    await saveCheckpoint(path, { model: net, optimizer: adam, epoch: 1 });

    const other = model(2);
    const sgd = new optim.SGD(other.parameters(), { lr: 0.1, momentum: 0.9 });
    trainStep(other, sgd);
    const [modelBefore, sgdBefore] = [other.stateDict(), sgd.stateDict()];
    await expect(loadCheckpoint(path, { model: other, optimizer: sgd })).rejects.toThrow(/loadCheckpoint\('.*'\): SGD\.loadStateDict\(\): .*was the state saved from another optimizer\?/);
    expect(other.stateDict()).toEqual(modelBefore);
    expect(sgd.stateDict()).toEqual(sgdBefore);
  });

  it('refuses a plain weights file and a bad epoch with the fix in the message', async () => {
    const net = model(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1 });
    const path = join(dir, 'plain.safetensors');
    await saveWeights(net, path);
    await expect(loadCheckpoint(path, { model: net, optimizer: sgd })).rejects.toThrow(/not a checkpoint from saveCheckpoint\(\); load plain weights with loadWeights\(\)/);
    await expect(saveCheckpoint(join(dir, 'bad-epoch.safetensors'), { model: net, optimizer: sgd, epoch: 1.5 })).rejects.toThrow(/epoch must be a non-negative integer .*got 1\.5/);
    expect(existsSync(join(dir, 'bad-epoch.safetensors'))).toBe(false);
  });

  it('refuses a checkpoint with a tensor that belongs to neither model nor optimizer', async () => {
    const net = model(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1 });
    const path = join(dir, 'stray.safetensors');
    const state = new Map([...net.stateDict()].map(([k, v]) => [`model.${k}`, v]));
    state.set('optimizer.9.momentumBuffer', { shape: [1], data: Float32Array.of(1) });
    writeFileSync(path, io.encodeSafetensors(state, { epoch: '0', optimizer: JSON.stringify({ paramGroups: sgd.stateDict().paramGroups, steps: {} }) }));
    const before = net.stateDict();
    await expect(loadCheckpoint(path, { model: net, optimizer: sgd })).rejects.toThrow(/tensor 'optimizer\.9\.momentumBuffer' is neither 'model\.<name>' nor 'optimizer\.<i>\.<buffer>' of a parameter with a step count/);
    expect(net.stateDict()).toEqual(before);
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as sg from 'simdgrad';
import { getRngState, io, manualSeed, nn, optim, rand } from 'simdgrad';
import { loadCheckpoint, saveCheckpoint, saveWeights } from 'simdgrad/node';
// @ts-expect-error: plain JavaScript shared with a child process (checkpoint-resume.dist.test.ts), without type declarations
import { makeRun, parameterBits, trainEpochs } from '../helpers/checkpoint-training.mjs';
import { parameterValues, smallInput, smallModel, trainStep } from '../helpers/small-model.js';

const dir = mkdtempSync(join(tmpdir(), 'simdgrad-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveCheckpoint / loadCheckpoint', () => {
  it('resumes training exactly: one more Adam step after loading matches one more step without saving', async () => {
    const original = smallModel(1);
    const adam = new optim.Adam(original.parameters(), { lr: 0.01, betas: [0.8, 0.99] });
    for (let i = 0; i < 3; i++) trainStep(original, adam);
    const path = join(dir, 'checkpoint.safetensors');
    await saveCheckpoint(path, { model: original, optimizer: adam, epoch: 3 });
    trainStep(original, adam);

    const resumed = smallModel(2);
    const resumedAdam = new optim.Adam(resumed.parameters(), { lr: 0.5 });
    expect(await loadCheckpoint(path, { model: resumed, optimizer: resumedAdam })).toEqual({ epoch: 3 });
    expect(resumedAdam.paramGroups[0]!.lr).toBe(0.01);
    trainStep(resumed, resumedAdam);

    expect(parameterValues(resumed)).toEqual(parameterValues(original));
    expect(resumed.stateDict()).toEqual(original.stateDict());
    expect(resumedAdam.stateDict()).toEqual(adam.stateDict());
  });

  it('is a safetensors file: model.<name> tensors, optimizer buffers shaped like their parameters, JSON metadata', async () => {
    const net = smallModel(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    trainStep(net, sgd);
    const path = join(dir, 'sgd-checkpoint.safetensors');
    await saveCheckpoint(path, { model: net, optimizer: sgd, epoch: 7 });

    const { tensors, metadata } = io.decodeSafetensors(readFileSync(path));
    expect([...tensors.keys()]).toEqual([
      ...['1.num_batches_tracked', '0.bias', '0.weight', '1.bias', '1.running_mean', '1.running_var', '1.weight', '3.bias', '3.weight'].map((k) => `model.${k}`),
      ...[0, 1, 2, 3, 4, 5].map((i) => `optimizer.${i}.momentumBuffer`),
    ]);
    expect(tensors.get('optimizer.4.momentumBuffer')!.shape).toEqual([2, 4]);
    expect(tensors.get('model.3.weight')).toEqual(net.stateDict().get('3.weight'));
    expect(tensors.get('model.1.num_batches_tracked')).toMatchObject({ dtype: 'I64', integers: BigInt64Array.of(1n) });
    expect(metadata.epoch).toBe('7');
    const saved = JSON.parse(metadata.optimizer!);
    expect(saved.steps).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(saved.paramGroups).toEqual(sgd.stateDict().paramGroups);
  });

  it('leaves model and optimizer unchanged when the optimizer does not fit', async () => {
    const net = smallModel(1);
    const adam = new optim.Adam(net.parameters());
    trainStep(net, adam);
    const path = join(dir, 'adam-checkpoint.safetensors');
    await saveCheckpoint(path, { model: net, optimizer: adam, epoch: 1 });

    const other = smallModel(2);
    const sgd = new optim.SGD(other.parameters(), { lr: 0.1, momentum: 0.9 });
    trainStep(other, sgd);
    const [modelBefore, sgdBefore] = [other.stateDict(), sgd.stateDict()];
    await expect(loadCheckpoint(path, { model: other, optimizer: sgd })).rejects.toThrow(/loadCheckpoint\('.*'\): SGD\.loadStateDict\(\): .*was the state saved from another optimizer\?/);
    expect(other.stateDict()).toEqual(modelBefore);
    expect(sgd.stateDict()).toEqual(sgdBefore);
  });

  it('leaves a model that holds NaN (a diverged run) as it was when a later part of the checkpoint does not fit', async () => {
    const net = smallModel(1);
    const adam = new optim.Adam(net.parameters());
    trainStep(net, adam);
    const path = join(dir, 'healthy-checkpoint.safetensors');
    await saveCheckpoint(path, { model: net, optimizer: adam, epoch: 1 });

    const diverged = smallModel(2);
    nn.init.constant_(diverged.parameters()[0]!, NaN);
    const sgd = new optim.SGD(diverged.parameters(), { lr: 0.1, momentum: 0.9 });
    const before = parameterValues(diverged);
    await expect(loadCheckpoint(path, { model: diverged, optimizer: sgd })).rejects.toThrow(/SGD\.loadStateDict\(\): .*was the state saved from another optimizer\?/);
    expect(parameterValues(diverged)).toEqual(before);
  });

  it('refuses a plain weights file and a bad epoch with the fix in the message', async () => {
    const net = smallModel(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1 });
    const path = join(dir, 'plain.safetensors');
    await saveWeights(net, path);
    await expect(loadCheckpoint(path, { model: net, optimizer: sgd })).rejects.toThrow(/not a checkpoint from saveCheckpoint\(\); load plain weights with loadWeights\(\)/);
    await expect(saveCheckpoint(join(dir, 'bad-epoch.safetensors'), { model: net, optimizer: sgd, epoch: 1.5 })).rejects.toThrow(/epoch must be a non-negative integer .*got 1\.5/);
    expect(existsSync(join(dir, 'bad-epoch.safetensors'))).toBe(false);
  });

  it('refuses a checkpoint with a tensor that belongs to neither model nor optimizer', async () => {
    const net = smallModel(1);
    const sgd = new optim.SGD(net.parameters(), { lr: 0.1 });
    const path = join(dir, 'stray.safetensors');
    const state = new Map([...net.stateDict()].map(([k, v]) => [`model.${k}`, v]));
    state.set('optimizer.9.momentumBuffer', { shape: [1], data: Float32Array.of(1) });
    writeFileSync(path, io.encodeSafetensors(state, { epoch: '0', optimizer: JSON.stringify({ paramGroups: sgd.stateDict().paramGroups, steps: {} }) }));
    const before = net.stateDict();
    await expect(loadCheckpoint(path, { model: net, optimizer: sgd })).rejects.toThrow(/tensor 'optimizer\.9\.momentumBuffer' is neither 'model\.<name>' nor 'optimizer\.<i>\.<buffer>' of a parameter with a step count/);
    expect(net.stateDict()).toEqual(before);
  });

  it('restores the random generator, the scheduler and the data loader: dropout, shuffling and lr resume exactly', async () => {
    const run = makeRun(sg, 1);
    await trainEpochs(sg, run, 2);
    const path = join(dir, 'run.safetensors');
    await saveCheckpoint(path, { ...run, epoch: 2 });
    await trainEpochs(sg, run, 2);

    const resumed = makeRun(sg, 2);
    manualSeed(3);
    expect(await loadCheckpoint(path, resumed)).toEqual({ epoch: 2 });
    expect(resumed.scheduler.lastEpoch).toBe(2);
    await trainEpochs(sg, resumed, 2);
    expect(parameterBits(resumed)).toEqual(parameterBits(run));
    expect(resumed.optimizer.paramGroups[0].lr).toBe(run.optimizer.paramGroups[0].lr);
    expect(resumed.dataLoader.stateDict()).toEqual(run.dataLoader.stateDict());
  });

  it('is all or nothing: a checkpoint that fails to load changes no model, optimizer, scheduler, data loader or generator', async () => {
    const source = makeRun(sg, 1);
    await trainEpochs(sg, source, 1);
    const path = join(dir, 'bad-rng.safetensors');
    await saveCheckpoint(path, { ...source, epoch: 1 });
    // The generator's state is restored last, so everything before it has to be undone.
    const { tensors, metadata } = io.decodeSafetensors(readFileSync(path));
    writeFileSync(path, io.encodeSafetensors(tensors, { ...metadata, rng: JSON.stringify({ words: [0, 0, 0, 0], spareNormal: null }) }));

    const target = makeRun(sg, 2);
    await trainEpochs(sg, target, 1);
    manualSeed(4);
    const before = { model: target.model.stateDict(), optimizer: target.optimizer.stateDict(), scheduler: target.scheduler.stateDict(), dataLoader: target.dataLoader.stateDict(), rng: getRngState() };
    await expect(loadCheckpoint(path, target)).rejects.toThrow(/^simdgrad: loadCheckpoint\('.*bad-rng\.safetensors'\): setRngState: expected \{ words: four uint32, not all 0/);
    expect(target.model.stateDict()).toEqual(before.model);
    expect(target.optimizer.stateDict()).toEqual(before.optimizer);
    expect(target.scheduler.stateDict()).toEqual(before.scheduler);
    expect(target.dataLoader.stateDict()).toEqual(before.dataLoader);
    expect(getRngState()).toEqual(before.rng);
    expect(target.optimizer.paramGroups[0].lr).toBe(0.2 * 0.7);
  });

  it('refuses to restore a scheduler or data loader the checkpoint was saved without', async () => {
    const run = makeRun(sg, 1);
    const path = join(dir, 'no-scheduler.safetensors');
    await saveCheckpoint(path, { model: run.model, optimizer: run.optimizer, epoch: 0 });
    const rng = getRngState();
    await expect(loadCheckpoint(path, run)).rejects.toThrow(/the checkpoint has no 'scheduler' metadata, so it cannot restore a scheduler; it was saved without one/);
    await expect(loadCheckpoint(path, { model: run.model, optimizer: run.optimizer, dataLoader: run.dataLoader })).rejects.toThrow(/no 'dataLoader' metadata, so it cannot restore a data loader/);
    expect(getRngState()).toEqual(rng);
    rand([1]);
    expect(await loadCheckpoint(path, { model: run.model, optimizer: run.optimizer })).toEqual({ epoch: 0 });
    expect(getRngState()).toEqual(rng);
  });

  it('concurrent checkpoints to one path leave exactly one complete checkpoint', async () => {
    const folder = mkdtempSync(join(dir, 'concurrent-'));
    const path = join(folder, 'checkpoint.safetensors');
    const nets = Array.from({ length: 8 }, (_, i) => smallModel(20 + i));
    const optimizers = nets.map((net) => new optim.SGD(net.parameters(), { lr: 0.1 }));
    await Promise.all(nets.map((net, i) => saveCheckpoint(path, { model: net, optimizer: optimizers[i]!, epoch: i })));
    const check = smallModel(1);
    const { epoch } = await loadCheckpoint(path, { model: check, optimizer: new optim.SGD(check.parameters(), { lr: 0.1 }) });
    expect(check.stateDict()).toEqual(nets[epoch]!.stateDict());
    expect(readdirSync(folder)).toEqual(['checkpoint.safetensors']);
  });
});

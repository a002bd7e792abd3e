import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as sg from 'simdgrad';
import { saveCheckpoint } from 'simdgrad/node';
// @ts-expect-error: plain JavaScript shared with the child process, without type declarations
import { makeRun, parameterBits, trainEpochs } from '../helpers/checkpoint-training.mjs';

// The dist project only (vitest.config.mjs): the child process runs the built bundle.
const dir = mkdtempSync(join(tmpdir(), 'simdgrad-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a checkpoint resumes training in a fresh process', () => {
  it('2 epochs, checkpoint, 2 more here equals loading it in a new node process and training 2 more, bit for bit', async () => {
    const run = makeRun(sg, 1);
    await trainEpochs(sg, run, 2);
    const path = join(dir, 'resume.safetensors');
    await saveCheckpoint(path, { ...run, epoch: 2 });
    await trainEpochs(sg, run, 2);

    const script = fileURLToPath(new URL('../helpers/resume-from-checkpoint.mjs', import.meta.url));
    const child = spawnSync(process.execPath, [script, path], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const resumed = JSON.parse(child.stdout);
    expect(resumed.epoch).toBe(2);
    expect(resumed.lr).toBe(run.optimizer.paramGroups[0].lr);
    expect(resumed.bits).toEqual(parameterBits(run));
  });
});

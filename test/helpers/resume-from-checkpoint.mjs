// Run by test/node/checkpoint-resume.dist.test.ts in a fresh `node`: loads the checkpoint given
// as argv[2] into a run built from other initial weights, trains two more epochs on the bundle,
// and prints every parameter's bits as JSON.
import * as sg from '../../dist/simdgrad.js';
import { loadCheckpoint } from '../../dist/node.js';
import { makeRun, parameterBits, trainEpochs } from './checkpoint-training.mjs';

await sg.init({ build: 'simd' });
const run = makeRun(sg, 999);
const { epoch } = await loadCheckpoint(process.argv[2], run);
await trainEpochs(sg, run, 2);
process.stdout.write(JSON.stringify({ epoch, lr: run.optimizer.paramGroups[0].lr, bits: parameterBits(run) }));

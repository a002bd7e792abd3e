// This build of simdgrad against another, on the standard workloads, in one process: the two
// bundles take turns step batch by step batch, so the machine's load falls on both alike.
//
//   node bench/versus.mjs --baseline=/tmp/old/dist/simdgrad.js [--build=relaxed-simd] [--only=W3,W5]
//
// Build the baseline from another commit first, e.g.
//   git worktree add /tmp/old <commit> && (cd /tmp/old && npm install && npm run build)
// Prints each side's median time per step and the speed-up, baseline time / this build's time.
// One thread only: two bundles' worker pools in one process would compete for the same cores.
// Node 20 needs --experimental-wasm-relaxed-simd before the script for --build=relaxed-simd.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { median } from './timing.mjs';
import { TASKS } from './workloads.mjs';
import { simdgradWorkloads } from './systems/simdgrad-workloads.mjs';

const ROUNDS = 15;
const WARMUP_STEPS = 10;
// Steps per turn, sized so that a turn lasts tens of milliseconds on a laptop-class core.
const STEPS_PER_TURN = { W1: 5, W2: 20, W3: 5, W4: 1, W5: 20, W6: 1, W7: 1 };

const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
if (!options.baseline) throw new Error('bench/versus: give --baseline=<path to another build of dist/simdgrad.js>');
const build = options.build ?? 'simd';
const tasks = TASKS.filter((t) => t.workload !== 'W1' || t.n === 512).filter((t) => !options.only || options.only.split(',').includes(t.workload));

const sides = {
  baseline: await side(pathToFileURL(resolve(options.baseline)).href),
  current: await side(new URL('../dist/simdgrad.js', import.meta.url).href),
};
console.log(`build ${build}; baseline ${options.baseline}; median of ${ROUNDS} turns each\n`);
console.log(`${'workload'.padEnd(24)} ${'baseline ms'.padStart(12)} ${'this ms'.padStart(10)} ${'speed-up'.padStart(9)}`);
for (const task of tasks) {
  const runs = prepareBoth(task);
  if (!runs) continue;
  for (const run of Object.values(runs)) repeat(run.step, WARMUP_STEPS);
  const times = { baseline: [], current: [] };
  const steps = STEPS_PER_TURN[task.workload];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(runs)) times[name].push(timePerStep(runs[name].step, steps));
  }
  for (const run of Object.values(runs)) run.dispose();
  const [before, after] = [median(times.baseline), median(times.current)];
  console.log(`${task.label.padEnd(24)} ${before.toFixed(3).padStart(12)} ${after.toFixed(3).padStart(10)} ${`${(before / after).toFixed(2)}x`.padStart(9)}`);
}

// Both sides' runs of `task`, or null (said) when one build lacks what the workload needs, as an
// older build lacks the layers of W6 and W7.
function prepareBoth(task) {
  const runs = {};
  for (const [name, s] of Object.entries(sides)) {
    try {
      runs[name] = s.prepare(task);
    } catch (error) {
      for (const run of Object.values(runs)) run.dispose();
      console.log(`${task.label.padEnd(24)} skipped: the ${name} build cannot run it (${error.message})`);
      return null;
    }
  }
  return runs;
}

async function side(url) {
  const workloads = simdgradWorkloads(await import(url));
  await workloads.setupBuild(build);
  return workloads;
}

function repeat(step, count) {
  for (let i = 0; i < count; i++) step();
}

function timePerStep(step, count) {
  const start = performance.now();
  repeat(step, count);
  return (performance.now() - start) / count;
}

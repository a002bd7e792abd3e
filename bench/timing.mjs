// The timing rule of docs/workloads.md, bounded so that one comparison run stays short:
// 10 warm-up steps, then the median of >= 30 timed steps and >= 1 s of timed work, except that
// warm-up stops after WARMUP_BUDGET seconds (but never before one step) and timing stops after
// TIMED_BUDGET seconds (but never before one step). Slow systems thus get a few steps only, and
// the result says how many.
import { performance } from 'node:perf_hooks';

export const RULE = {
  warmupSteps: 10,
  timedSteps: 30,
  minTimedSeconds: 1,
  warmupBudgetSeconds: 3,
  timedBudgetSeconds: 10,
};

/**
 * Times `step` (a synchronous function doing one whole step) under RULE. Returns the median
 * seconds per step with the numbers of warm-up and timed steps. `warmedUp` counts warm-up
 * steps already run and the seconds they took.
 */
export function measure(step, rule = RULE, warmedUp = { steps: 0, seconds: 0 }) {
  const warmupStart = performance.now() - warmedUp.seconds * 1000;
  let warmup = warmedUp.steps;
  while (warmup < rule.warmupSteps && (warmup === 0 || seconds(warmupStart) < rule.warmupBudgetSeconds)) {
    step();
    warmup++;
  }
  const times = [];
  let work = 0;
  while (times.length === 0 || ((times.length < rule.timedSteps || work < rule.minTimedSeconds) && work < rule.timedBudgetSeconds)) {
    const start = performance.now();
    step();
    const elapsed = seconds(start);
    times.push(elapsed);
    work += elapsed;
  }
  return { seconds: median(times), warmupSteps: warmup, timedSteps: times.length, timedSeconds: work };
}

function seconds(since) {
  return (performance.now() - since) / 1000;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many calls of `run` make one sample of about `sampleSeconds`, after warming it up. */
export function callsPerSample(run, sampleSeconds) {
  for (let i = 0; i < 3; i++) run();
  const start = performance.now();
  run();
  const once = Math.max((performance.now() - start) / 1000, 1e-6);
  return Math.max(1, Math.round(sampleSeconds / once));
}

// One system in its own process (`node bench/worker.mjs <system>`), driven by compare.mjs over
// IPC one request at a time, so that TF.js backends and simdgrad never share a heap or a JIT.
//
// A system module (bench/systems/<system>.mjs) exports:
//   label                     the column title
//   setup()                   initialises the library; resolves to { notes }
//   prepare(task)             builds the task's inputs and model; returns { step(), dispose() },
//                             where step() does one whole step synchronously
//   explainError(error)?      a short reason to print for an error a step threw
//   threadActivity()?         counters of the work split over threads (simdgrad's threadActivity):
//                             'measure' then also reports how much of a step ran in parallel
//   any other function        callable by name with the request's task
//
// A cell is two requests: 'firstStep' prepares the task and times one step, so that compare.mjs
// can stop a system whose single step outlasts its deadline; 'measure' then continues the
// warm-up and times the steps.
import { measure } from './timing.mjs';

const systemName = process.argv[2];
const system = await import(`./systems/${systemName}.mjs`);

process.on('message', async (request) => {
  try {
    process.send({ id: request.id, result: await handle(request) });
  } catch (error) {
    const reason = system.explainError?.(error) ?? firstLine(error);
    process.send({ id: request.id, error: reason });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });

let current = null;

async function handle({ kind, task, rule }) {
  if (kind === 'setup') return { label: system.label, ...(await system.setup()) };
  if (kind === 'firstStep') {
    current?.dispose();
    current = null;
    const prepared = system.prepare(task);
    try {
      const start = performance.now();
      prepared.step();
      current = { ...prepared, firstStepSeconds: (performance.now() - start) / 1000 };
    } catch (error) {
      prepared.dispose();
      throw error;
    }
    return { seconds: current.firstStepSeconds };
  }
  if (kind === 'measure') {
    const { step, dispose, firstStepSeconds } = current;
    current = null;
    try {
      const timing = measure(step, rule, { steps: 1, seconds: firstStepSeconds });
      return system.threadActivity ? { ...timing, ...parallelShare(step, system.threadActivity) } : timing;
    } finally {
      dispose();
    }
  }
  if (typeof system[kind] !== 'function') throw new Error(`${systemName} has no '${kind}'`);
  return system[kind](task);
}

// Over further steps (at least 5 and 0.5 s), the mean wall time per step and the part of it spent
// in kernel calls split over the threads; the rest ran on one thread.
function parallelShare(step, threadActivity) {
  const before = threadActivity();
  const start = performance.now();
  let steps = 0;
  while (steps < 5 || performance.now() - start < 500) {
    step();
    steps++;
  }
  const elapsed = performance.now() - start;
  const after = threadActivity();
  return {
    activitySteps: steps,
    stepSecondsMean: elapsed / steps / 1000,
    parallelSecondsPerStep: (after.parallelMilliseconds - before.parallelMilliseconds) / steps / 1000,
    parallelTasksPerStep: (after.parallelTasks - before.parallelTasks) / steps,
  };
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

// One system in its own process (`node bench/worker.mjs <system>`), driven by compare.mjs over
// IPC one request at a time, so that TF.js backends and simdgrad never share a heap or a JIT.
//
// A system module (bench/systems/<system>.mjs) exports:
//   label                     the column title
//   setup()                   initialises the library; resolves to { notes }
//   prepare(task)             builds the task's inputs and model; returns { step(), dispose() },
//                             where step() does one whole step synchronously
//   explainError(error)?      a short reason to print for an error a step threw
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
      return measure(step, rule, { steps: 1, seconds: firstStepSeconds });
    } finally {
      dispose();
    }
  }
  if (typeof system[kind] !== 'function') throw new Error(`${systemName} has no '${kind}'`);
  return system[kind](task);
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

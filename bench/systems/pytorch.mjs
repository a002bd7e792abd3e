// Runs bench/systems/pytorch.py under the first Python that can import torch: the one on PATH,
// then the system interpreter that Debian's python3-torch installs for.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lineChannel } from '../channel.mjs';
import { CHAR_LSTM, CHAR_TRANSFORMER, layersWithShapes, networkFor, tokenBatch, tokens } from '../workloads.mjs';

const INTERPRETERS = ['python3', '/usr/bin/python3'];
// torch.set_num_threads does not reach the BLAS library's own thread pool.
const threadsEnv = (threads) => ({ OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), TORCH_THREADS: String(threads) });
export const NOT_INSTALLED = 'python3-torch not installed (apt-get install python3-torch libopenblas0, or bench/install-pytorch.sh)';

/** A channel to PyTorch on `threads` threads, or { unavailable: reason } when no interpreter has it. */
export function pytorchChannel(threads = 1) {
  const python = INTERPRETERS.find(importsTorch);
  if (!python) return { unavailable: NOT_INSTALLED };
  const channel = lineChannel(python, [fileURLToPath(new URL('./pytorch.py', import.meta.url))], threadsEnv(threads));
  // The Python side has no copy of workloads.mjs: each task carries its network (W6, W7: their sizes and tokens).
  return { ...channel, request: (request, timeoutSeconds) => channel.request(request.task ? { ...request, task: withNetwork(request.task) } : request, timeoutSeconds) };
}

function importsTorch(python) {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

function withNetwork(task) {
  if (task.workload === 'W1') return task;
  if (task.workload === 'W6') {
    const { inputs, targets } = tokenBatch(task.batch);
    return { ...task, model: CHAR_TRANSFORMER, inputs: Array.from(inputs), targets: Array.from(targets) };
  }
  if (task.workload === 'W7') {
    const count = task.batch * CHAR_LSTM.steps;
    return { ...task, ...CHAR_LSTM, tokens: Array.from(tokens(count)), targets: Array.from(tokens(count, 4)) };
  }
  const net = networkFor(task);
  return { ...task, inputShape: net.input, layers: layersWithShapes(net) };
}

import { startBackend, type InitOptions } from './backend.js';
import { inlinedKernelsOrProvided } from './inlined-kernels.js';

/**
 * Loads the WebAssembly kernels: await it once before creating tensors or models. Without
 * options it runs the build inlined in the bundle that suits the runtime; see {@link InitOptions}.
 */
export function init(options: InitOptions = {}): Promise<void> {
  return startBackend(options, inlinedKernelsOrProvided);
}

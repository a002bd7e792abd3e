// The threads builds (shared imported memory), inlined (base64) like the others but in a chunk of
// their own that the 'simdgrad' entry imports only when init({ threads }) asks for more than one
// thread: the default bundle does not carry them.
import loadInlinedThreads from '../../build/simdgrad-threads.wasm';
import loadInlinedThreadsRelaxed from '../../build/simdgrad-threads-relaxed.wasm';

/** Compiles the threads build, relaxed SIMD (fused multiply-add) or plain. */
export function loadThreadsKernels(relaxed: boolean): Promise<WebAssembly.Module> {
  return relaxed ? loadInlinedThreadsRelaxed() : loadInlinedThreads();
}

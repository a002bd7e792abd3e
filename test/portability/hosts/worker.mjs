// Entry for workerd (Cloudflare Workers): it refuses to compile WebAssembly from bytes, so the
// kernels arrive as a wasm module import (precompiled by workerd) and go to init({ wasm }).
// `?kernels=inlined` calls plain init() instead, to show what a worker gets without them;
// `?threads=2` asks for two threads, which workerd cannot start: it answers with the thread count
// that ran and what init() warned.
import kernels from './kernels.wasm';
import { getNumThreads } from '../../../dist/simdgrad.js';
import { trainXor } from '../train-xor.mjs';

export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    const inlined = query.get('kernels') === 'inlined';
    try {
      if (query.has('threads')) {
        const warnings = [];
        const warn = console.warn;
        console.warn = (message) => warnings.push(String(message));
        try {
          const result = await trainXor({ wasm: kernels, threads: Number(query.get('threads')) });
          return Response.json({ ...result, threads: getNumThreads(), warnings });
        } finally {
          console.warn = warn;
        }
      }
      return Response.json(await trainXor(inlined ? {} : { wasm: kernels }));
    } catch (error) {
      return new Response(error instanceof Error ? error.stack : String(error), { status: 500 });
    }
  },
};

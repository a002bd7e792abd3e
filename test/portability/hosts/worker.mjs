// Entry for workerd (Cloudflare Workers): it refuses to compile WebAssembly from bytes, so the
// kernels arrive as a wasm module import (precompiled by workerd) and go to init({ wasm }).
// `?kernels=inlined` calls plain init() instead, to show what a worker gets without them.
import kernels from './kernels.wasm';
import { trainXor } from '../train-xor.mjs';

export default {
  async fetch(request) {
    const inlined = new URL(request.url).searchParams.get('kernels') === 'inlined';
    try {
      return Response.json(await trainXor(inlined ? {} : { wasm: kernels }));
    } catch (error) {
      return new Response(error instanceof Error ? error.stack : String(error), { status: 500 });
    }
  },
};

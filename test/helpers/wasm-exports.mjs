// `node [--experimental-wasm-relaxed-simd] test/helpers/wasm-exports.mjs a.wasm [--shared b.wasm] ...`:
// compiles each module (on a shared memory after --shared, as the threads builds need) and prints,
// as JSON, its exports as `name/arity` (a wasm function's `length` is its parameter count) or the
// bare name of a memory. A child process because Node 20 compiles the relaxed-SIMD builds only
// behind that flag.
import { readFileSync } from 'node:fs';

const result = {};
let shared = false;
for (const argument of process.argv.slice(2)) {
  if (argument === '--shared') {
    shared = true;
    continue;
  }
  const module = new WebAssembly.Module(readFileSync(argument));
  const memory = new WebAssembly.Memory(shared ? { initial: 32, maximum: 65536, shared: true } : { initial: 32 });
  const env = Object.fromEntries(WebAssembly.Module.imports(module).map(({ name, kind }) => [name, kind === 'memory' ? memory : () => 0]));
  const { exports } = new WebAssembly.Instance(module, { env });
  result[argument] = WebAssembly.Module.exports(module).map(({ name, kind }) => (kind === 'function' ? `${name}/${exports[name].length}` : name));
  shared = false;
}
console.log(JSON.stringify(result));

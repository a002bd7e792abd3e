// Entry for the command-line runtimes (Node, Deno, Bun): `<runtime> cli.mjs [build]` prints the
// result of train-xor.mjs as one line of JSON, or the error's stack with exit code 1.
import { trainXor } from '../train-xor.mjs';

const build = (globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0] ?? 'auto';
try {
  console.log(JSON.stringify(await trainXor({ build })));
} catch (error) {
  console.error(error instanceof Error ? error.stack : String(error));
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else process.exit(1);
}

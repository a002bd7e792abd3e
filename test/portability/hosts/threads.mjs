// `<runtime> threads.mjs <threads>`: prints threads-run.mjs's result as one line of JSON, then ends
// by itself (the workers must not keep the runtime alive), or prints the error with exit code 1.
import { runOnThreads } from '../threads-run.mjs';

const threads = Number((globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0] ?? 1);
try {
  console.log(JSON.stringify(await runOnThreads(threads)));
} catch (error) {
  console.error(error instanceof Error ? error.stack : String(error));
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else process.exit(1);
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

// Base64 of a wasm module's magic number and version ("\0asm" 1): how each inlined build starts.
const INLINED_WASM = /'(AGFzbQEAAAA[A-Za-z0-9+/]*={0,2})'/g;

/** The wasm modules that @rollup/plugin-wasm inlined (base64) into the bundle's chunks. */
export function kernelsInlinedInBundle(): Buffer[] {
  const chunksDir = join(repoRoot, 'dist/chunks');
  return readdirSync(chunksDir).flatMap((file) => [...readFileSync(join(chunksDir, file), 'utf8').matchAll(INLINED_WASM)].map((m) => Buffer.from(m[1]!, 'base64')));
}

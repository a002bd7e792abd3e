/**
 * Kernels a caller provides to init({ wasm }): a URL (or URL string) of the shipped
 * `simdgrad.wasm` or `simdgrad-relaxed.wasm`, their bytes, or a precompiled `WebAssembly.Module`.
 */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

/** Which inlined build to run: 'auto' picks relaxed SIMD (fused multiply-add) where the runtime has it. */
export type KernelBuild = 'auto' | 'simd' | 'relaxed-simd';

// (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd): valid only where relaxed SIMD is.
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

export function hasRelaxedSimd(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** A compiled module and which build it is. */
export interface LoadedModule {
  module: WebAssembly.Module;
  build: 'simd' | 'relaxed-simd' | 'custom';
}

/** Compiles the kernels a caller passed as init({ wasm }). */
export async function compileSource(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = source instanceof ArrayBuffer ? source : ArrayBuffer.isView(source) ? viewBytes(source) : null;
  if (bytes) return compileBytes(bytes, 'the bytes given');
  if (source instanceof URL || typeof source === 'string') return compileBytes(await readSource(source), `'${String(source)}'`);
  throw new Error(
    `simdgrad: init({ wasm }) got ${describe(source)}; pass a URL, a URL string, an ArrayBuffer, ` +
      `a Uint8Array or a precompiled WebAssembly.Module (edge workers need the Module).`,
  );
}

async function compileBytes(bytes: BufferSource, what: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new Error(`simdgrad: init({ wasm }): ${what} is not a WebAssembly module this runtime can compile (${(error as Error).message}); pass simdgrad's own simdgrad.wasm or simdgrad-relaxed.wasm.`, { cause: error });
  }
}

function viewBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return bytes;
}

// Node's fetch() cannot read files, so there a file: URL or a path is read from disk; elsewhere
// (browsers, workers) everything is fetched, and the Node module is never imported.
async function readSource(source: URL | string): Promise<ArrayBuffer> {
  const url = asUrl(source);
  if (isNode() && (url === null || url.protocol === 'file:')) return readNodeFile(url ?? source);
  try {
    const response = await fetch(url ?? source);
    if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
    return await response.arrayBuffer();
  } catch (error) {
    throw new Error(`simdgrad: init({ wasm: '${String(source)}' }): could not fetch the kernels (${(error as Error).message}); check the URL, or pass the bytes or a WebAssembly.Module.`, { cause: error });
  }
}

/** The source as an absolute URL, or null for a path (a relative URL outside Node). */
function asUrl(source: URL | string): URL | null {
  if (source instanceof URL) return source;
  // A one-letter scheme is a Windows drive ('C:\\...'), not a URL.
  return /^[a-z][a-z0-9+.-]+:/i.test(source) ? new URL(source) : null;
}

function isNode(): boolean {
  const { process } = globalThis as { process?: { versions?: { node?: unknown } } };
  return typeof process?.versions?.node === 'string';
}

// The specifier is a variable so that bundlers for browsers do not try to resolve node:fs.
const NODE_FS = 'node:fs/promises';

async function readNodeFile(file: URL | string): Promise<ArrayBuffer> {
  try {
    const { readFile } = (await import(/* @vite-ignore */ NODE_FS)) as { readFile(path: URL | string): Promise<Uint8Array> };
    const bytes = await readFile(file);
    return viewBytes(bytes).buffer;
  } catch (error) {
    throw new Error(`simdgrad: init({ wasm: '${String(file)}' }): could not read the kernels from disk (${(error as Error).message}); check the path (relative paths start from the current directory).`, { cause: error });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}

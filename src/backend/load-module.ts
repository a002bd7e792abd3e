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
  if (source instanceof ArrayBuffer) return WebAssembly.compile(source);
  if (ArrayBuffer.isView(source)) return WebAssembly.compile(viewBytes(source));
  if (source instanceof URL || typeof source === 'string') return compileFromUrl(source);
  throw new Error(
    `simdgrad: init({ wasm }) got ${describe(source)}; pass a URL, a URL string, an ArrayBuffer, ` +
      `a Uint8Array or a precompiled WebAssembly.Module (edge workers need the Module).`,
  );
}

function viewBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return bytes;
}

async function compileFromUrl(url: URL | string): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`simdgrad: init({ wasm: '${String(url)}' }): fetch answered ${response.status} ${response.statusText}.`);
  return WebAssembly.compile(await response.arrayBuffer());
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}

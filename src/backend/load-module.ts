import loadInlinedModule from '../../build/simdgrad.wasm';

/** Where the kernels come from: the inlined build by default, or one the caller provides. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

export async function loadModule(source: WasmSource | undefined): Promise<WebAssembly.Module> {
  if (source === undefined) return loadInlinedModule();
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

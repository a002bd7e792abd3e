// A `.wasm` import, as both @rollup/plugin-wasm (auto-inline) and our vitest plugin provide it:
// called without imports it compiles the inlined bytes.
declare module '*.wasm' {
  const load: (imports?: WebAssembly.Imports) => Promise<WebAssembly.Module>;
  export default load;
}

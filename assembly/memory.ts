// The host (TypeScript) owns every allocation above this address; the kernels never allocate.
export function heapBase(): usize {
  return __heap_base;
}

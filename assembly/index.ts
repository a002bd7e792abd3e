export * from './memory';
export * from './elementwise';
export * from './reduce';
export * from './gemm';

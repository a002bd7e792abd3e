export declare const KERNEL_BUILDS: { target: string; file: string; threads: boolean }[];
export declare const OUTPUT: string;
export declare function readBindings(declarations: string, name: string): ({ kind: 'memory'; name: 'memory' } | { kind: 'function'; name: string; source: string; params: { name: string; type: string }[]; returns: string })[];
export declare function generateKernelExports(bindings: Record<string, string>): string;
export declare function readBuildBindings(root: URL): Record<string, string>;

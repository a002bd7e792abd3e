export declare const BUILD_OUTPUTS: string[];
export declare const BUILD_INPUTS: string[];
export declare function staleReason(root: string): string | null;

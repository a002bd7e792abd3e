export declare function simdInstructionCounts(bytes: Uint8Array): Map<string, number>;

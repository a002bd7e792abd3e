export declare const CHROME_NAMES: string[];
export declare const COMMON_CHROME_PATHS: string[];
export declare function findChrome(options?: { env?: Record<string, string | undefined>; commonPaths?: string[] }): string | null;

// The few Node built-ins the Node entry uses, declared here so the package needs no @types/node.
// Deno and Bun provide the same `node:` modules.
declare module 'node:fs/promises' {
  export function readFile(path: string): Promise<Uint8Array>;
  export function stat(path: string): Promise<{ isFile(): boolean }>;
  export function access(path: string): Promise<void>;
  export function open(path: string, flags: 'w' | 'wx' | 'r'): Promise<FileHandle>;
  export function rename(from: string, to: string): Promise<void>;
  export function rm(path: string, options: { force: boolean }): Promise<void>;
  export interface FileHandle {
    writeFile(data: Uint8Array): Promise<void>;
    write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
    read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
    stat(): Promise<{ size: number }>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }
}

declare module 'node:path' {
  export function join(...parts: string[]): string;
  export function dirname(path: string): string;
}

declare module 'node:url' {
  export function fileURLToPath(url: string | URL): string;
}

declare module 'node:process' {
  const process: { stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number } };
  export default process;
}

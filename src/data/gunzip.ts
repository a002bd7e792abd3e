const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Inflates a gzip stream with the web-standard DecompressionStream, which Node (>= 18), Deno,
 * Bun, browsers and workers all provide, so no runtime needs zlib bindings.
 */
export async function gunzip(bytes: Uint8Array, caller: string): Promise<Uint8Array> {
  const compressed = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(compressed).arrayBuffer());
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `simdgrad: ${caller}: the gzip stream (${bytes.length} bytes) is corrupt or truncated (${reason}); ` +
        're-download the file, or pass the uncompressed IDX bytes.',
      { cause },
    );
  }
}

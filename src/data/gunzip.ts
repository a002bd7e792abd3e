const GZIP_MAGIC = [0x1f, 0x8b] as const;
// Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so inflating
// stops at most about 17 MiB past a size limit however the stream was made; smaller pieces made
// reading Fashion-MNIST measurably slower (4 KiB: 2.5x the time of one unbounded read).
const INPUT_PIECE = 16384;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * What the inflated data may grow to: given the bytes inflated so far, the total its own header
 * declares, or undefined while the header is incomplete. It may throw to refuse a bad header.
 */
export type DeclaredSize = (head: Uint8Array) => number | undefined;

/**
 * Inflates a gzip stream with the web-standard DecompressionStream, which Node (>= 18), Deno,
 * Bun, browsers and workers all provide, so no runtime needs zlib bindings. With `declaredSize`
 * it stops as soon as the output outgrows what the data's header declares, so a small corrupt or
 * malicious file (a decompression bomb) is refused without inflating it.
 */
export async function gunzip(bytes: Uint8Array, caller: string, declaredSize?: DeclaredSize): Promise<Uint8Array> {
  const inflater = new DecompressionStream('gzip');
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  const feeding = feed(writer, bytes);
  feeding.catch(() => {});
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit: number | undefined;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      total += next.value.length;
      if (declaredSize && limit === undefined) limit = declaredSize(chunks.length === 1 ? next.value : concat(chunks, total));
      if (limit !== undefined && total > limit) {
        throw new Error(
          `simdgrad: ${caller}: the gzip stream inflates to more than the ${limit} bytes its header declares; stopped after inflating ${total} bytes. ` +
            'The file is corrupt (or a decompression bomb): re-download it.',
        );
      }
    }
  } catch (cause) {
    await Promise.allSettled([reader.cancel(), writer.abort()]);
    if (cause instanceof Error && cause.message.startsWith('simdgrad: ')) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`simdgrad: ${caller}: the gzip stream (${bytes.length} bytes) is corrupt or truncated (${reason}); re-download the file, or pass the uncompressed IDX bytes.`, { cause });
  }
  await feeding;
  return concat(chunks, total);
}

async function feed(writer: WritableStreamDefaultWriter<BufferSource>, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += INPUT_PIECE) {
    await writer.write(bytes.subarray(offset, offset + INPUT_PIECE) as Uint8Array<ArrayBuffer>);
  }
  await writer.close();
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

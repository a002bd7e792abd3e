import { open, type FileHandle } from 'node:fs/promises';
import { decodeTensor, planSafetensors, type SafetensorsContents, type SafetensorsInput, type SafetensorsTensor } from '../io/safetensors.js';
import { fail, LENGTH_BYTES, parseHeader, readHeaderLength } from '../io/safetensors-header.js';
import { writeAtomically } from './atomic-write.js';

// One read or write call moves at most this much: Node refuses single calls of 2 GiB or more.
const CHUNK_BYTES = 256 * 1024 * 1024;

/**
 * Writes a safetensors file tensor by tensor (header first), atomically, so a file larger than
 * any one buffer (over 2 GiB) is written without assembling it in memory. Every entry is checked
 * before the file is created.
 */
export async function writeSafetensorsFile(path: string, state: SafetensorsInput, metadata?: Record<string, string>): Promise<void> {
  const plan = planSafetensors(state, metadata);
  await writeAtomically(path, async (file) => {
    let position = await writeAt(file, plan.header, 0);
    for (const tensor of plan.tensors) position = await writeAt(file, tensor.bytes(), position);
  });
}

/**
 * Reads a safetensors file with one file handle: the 8-byte length, the header (checked against
 * the file's size before any tensor is read), then each tensor at its offset into a buffer of
 * its own, so files over 2 GiB load too.
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsContents> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const length = readHeaderLength(await readAt(file, 0, Math.min(LENGTH_BYTES, size), size), size);
    const dataStart = LENGTH_BYTES + length;
    const header = parseHeader(await readAt(file, LENGTH_BYTES, length, size), size - dataStart);
    const tensors = new Map<string, SafetensorsTensor>();
    for (const entry of header.entries) {
      tensors.set(entry.name, decodeTensor(entry, await readAt(file, dataStart + entry.begin, entry.end - entry.begin, size)));
    }
    return { tensors, metadata: header.metadata };
  } finally {
    await file.close();
  }
}

async function writeAt(file: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, Math.min(CHUNK_BYTES, bytes.length - done), position + done);
    done += bytesWritten;
  }
  return position + bytes.length;
}

async function readAt(file: FileHandle, position: number, length: number, size: number): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await file.read(bytes, done, Math.min(CHUNK_BYTES, length - done), position + done);
    if (bytesRead === 0) fail(`the file ended at byte ${position + done} while reading bytes [${position}, ${position + length}) of its ${size}; it was truncated while being read: load it again.`);
    done += bytesRead;
  }
  return bytes;
}

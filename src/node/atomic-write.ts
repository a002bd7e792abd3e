import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/**
 * Writes `path` atomically: `write` fills a temporary file of its own next to it (a unique name,
 * so concurrent saves to one path never share a file), which is flushed and then renamed over
 * `path`. A reader sees the old file or one complete new one, never a mix; of concurrent saves,
 * the last rename wins. On failure the temporary file is removed and `path` is untouched.
 */
export async function writeAtomically(path: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    const file = await open(temporary, 'wx');
    try {
      await write(file);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

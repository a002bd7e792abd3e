/** Names the operation and the file in every error, whichever layer threw it. */
export async function withPath<T>(op: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`simdgrad: ${op}('${path}'): ${message.replace(/^simdgrad: /, '')}`, { cause: error });
  }
}

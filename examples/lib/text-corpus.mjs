// The text the character-level examples learn, read from disk (Node): Debian's fortune-cookie
// files, shipped under data/fortunes/ or in the installed package's folder. What does not need
// Node (tokens, windows, the training loop) is in char-text.mjs, re-exported here.
import { readFile } from 'node:fs/promises';
import { FORTUNE_FILES, joinFortunes } from './char-text.mjs';

export * from './char-text.mjs';

/** The fortune files the repository ships (data/fortunes/, from Debian's fortunes-min). */
export const SHIPPED_CORPUS = new URL('../../data/fortunes/', import.meta.url);

/**
 * The fortune-cookie texts of `dir` (default: the shipped copy; or the installed package's
 * /usr/share/games/fortunes), each file's `%` separator lines turned into blank lines.
 */
export async function loadCorpus(dir) {
  const base = dir ? new URL(`file://${dir.replace(/\/?$/, '/')}`) : SHIPPED_CORPUS;
  const suffix = dir ? '' : '.txt';
  const texts = await Promise.all(FORTUNE_FILES.map((name) => readFile(new URL(name + suffix, base), 'latin1')));
  return { text: joinFortunes(texts), source: dir ?? 'data/fortunes (shipped)' };
}

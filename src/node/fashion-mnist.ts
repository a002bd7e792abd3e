import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fashionMnistFromIdx, type FashionMnist, type FashionMnistFiles } from '../data/fashion-mnist.js';

/** Where Debian's `dataset-fashion-mnist` package installs the full dataset. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The class-balanced 6,000 + 1,000 image subset that ships with simdgrad. */
const SUBSET_FOLDER = join('data', 'fashion-mnist-subset');

const FILE_NAMES: Record<keyof FashionMnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** 'full': the Debian package (60,000 + 10,000); 'subset': the bundled subset; 'dir': your folder. */
export type FashionMnistSource = 'full' | 'subset' | 'dir';

export interface LoadFashionMnistOptions {
  /** A folder with the four IDX files (gzipped or raw); takes precedence over `source` (default none). */
  dir?: string;
  /** 'auto' (default): the full dataset when the Debian package is installed, else the subset. */
  source?: 'auto' | 'full' | 'subset';
}

export interface FashionMnistLocation {
  source: FashionMnistSource;
  dir: string;
}

/** Fashion-MNIST with a note of which copy was read. */
export interface LoadedFashionMnist extends FashionMnist, FashionMnistLocation {}

/**
 * Loads Fashion-MNIST from disk: from `dir`, else the full dataset of Debian's
 * `dataset-fashion-mnist` package when installed, else the subset shipped with simdgrad.
 * The image tensors are yours to dispose.
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<LoadedFashionMnist> {
  const location = await locateFashionMnist(options);
  const entries = await Promise.all(
    (Object.keys(FILE_NAMES) as (keyof FashionMnistFiles)[]).map(async (key) => [key, await readIdxFile(location.dir, FILE_NAMES[key])] as const),
  );
  const dataset = await fashionMnistFromIdx(Object.fromEntries(entries) as unknown as FashionMnistFiles);
  return { ...dataset, ...location };
}

/** Which copy loadFashionMnist(options) would read, without reading it. */
export async function locateFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnistLocation> {
  if (options.dir !== undefined) {
    const missing = await missingFiles(options.dir);
    if (missing.length > 0) {
      throw new Error(
        `simdgrad: loadFashionMnist({ dir: '${options.dir}' }): ${missing.map((name) => `${name}(.gz)`).join(', ')} not found there; ` +
          `the folder needs the four Fashion-MNIST IDX files (${Object.values(FILE_NAMES).join(', ')}), gzipped or raw.`,
      );
    }
    return { source: 'dir', dir: options.dir };
  }
  const source = options.source ?? 'auto';
  if (source !== 'auto' && source !== 'full' && source !== 'subset') {
    throw new Error(`simdgrad: loadFashionMnist({ source: '${String(source)}' }): source must be 'auto', 'full' or 'subset'.`);
  }
  if (source !== 'subset') {
    if ((await missingFiles(DEBIAN_FASHION_MNIST_DIR)).length === 0) return { source: 'full', dir: DEBIAN_FASHION_MNIST_DIR };
    if (source === 'full') {
      throw new Error(
        `simdgrad: loadFashionMnist({ source: 'full' }): the full dataset is not in ${DEBIAN_FASHION_MNIST_DIR}; ` +
          "install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), pass { dir } with the four IDX files, or use { source: 'subset' }.",
      );
    }
  }
  return { source: 'subset', dir: await findSubset() };
}

// Searched upward from this module, so it resolves from src/node/*.ts and from dist/node.js alike.
async function findSubset(): Promise<string> {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, SUBSET_FOLDER);
    if ((await missingFiles(candidate)).length === 0) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `simdgrad: loadFashionMnist(): the bundled subset (${SUBSET_FOLDER}) was not found in any folder above ${start}; ` +
      "pass { dir } with the four Fashion-MNIST IDX files, or install the full dataset with `sudo apt-get install dataset-fashion-mnist`.",
  );
}

async function missingFiles(dir: string): Promise<string[]> {
  const found = await Promise.all(Object.values(FILE_NAMES).map(async (name) => (await existingPath(dir, name)) !== null));
  return Object.values(FILE_NAMES).filter((_, i) => !found[i]);
}

async function readIdxFile(dir: string, name: string): Promise<Uint8Array> {
  return readFile((await existingPath(dir, name))!);
}

async function existingPath(dir: string, name: string): Promise<string | null> {
  for (const path of [join(dir, `${name}.gz`), join(dir, name)]) {
    if (await isFile(path)) return path;
  }
  return null;
}

// A missing file is an answer, a denied read an error: Deno without --allow-read says NotCapable.
// stat, not access: Deno's access also asks for --allow-sys=uid, and throws where it cannot be caught.
async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new Error(deniedReadMessage(path, error), { cause: error });
  }
}

function deniedReadMessage(path: string, error: unknown): string {
  if ((error as Error).name === 'NotCapable') {
    return (
      `simdgrad: loadFashionMnist(): Deno denied reading ${path}: run with --allow-read (e.g. \`deno run --allow-read main.js\`); ` +
      `the loader reads { dir }, or ${DEBIAN_FASHION_MNIST_DIR} and then the subset that ships with simdgrad.`
    );
  }
  return `simdgrad: loadFashionMnist(): cannot read ${path} (${(error as Error).message}); make the file and its folders readable, or pass another { dir }.`;
}

import { checkOptions } from '../check-args.js';
import { fashionMnistFromIdx, type FashionMnist, type FashionMnistFiles } from './fashion-mnist.js';
import { decodeIdx, type IdxArray } from './idx.js';

/** The four Fashion-MNIST (and MNIST) files, as published. */
const FASHION_MNIST_FILES: Record<keyof FashionMnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export interface FetchFashionMnistOptions {
  /** The files are the gzipped `.gz` ones (default true); false fetches the raw names. */
  gzip?: boolean;
  /** Passed to every fetch() (credentials, headers, signal...); default: none. */
  init?: RequestInit;
}

/**
 * Fetches an IDX (MNIST-format) file, gzipped or raw, and parses it. A relative `url` resolves
 * against the page (or the worker's script) as fetch() resolves it.
 */
export async function fetchIdx(url: string | URL, init?: RequestInit): Promise<IdxArray> {
  const op = `fetchIdx('${String(url)}')`;
  const bytes = await fetchBytes(url, init, op);
  try {
    return await decodeIdx(bytes);
  } catch (error) {
    throw new Error(`simdgrad: ${op}: ${(error as Error).message.replace(/^simdgrad: /, '')}`, { cause: error });
  }
}

/**
 * Fetches Fashion-MNIST (or MNIST) from the folder at `baseUrl`, which holds the four IDX files
 * under their published names, and decodes it as fashionMnistFromIdx() does. The image tensors
 * are yours to dispose.
 */
export async function fetchFashionMnist(baseUrl: string | URL, options: FetchFashionMnistOptions = {}): Promise<FashionMnist> {
  options = checkOptions<FetchFashionMnistOptions>('fetchFashionMnist', options) as FetchFashionMnistOptions;
  const folder = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  const suffix = options.gzip === false ? '' : '.gz';
  const keys = Object.keys(FASHION_MNIST_FILES) as (keyof FashionMnistFiles)[];
  const files = await Promise.all(keys.map((key) => fetchBytes(`${folder}${FASHION_MNIST_FILES[key]}${suffix}`, options.init, `fetchFashionMnist('${folder}')`)));
  return fashionMnistFromIdx(Object.fromEntries(keys.map((key, i) => [key, files[i]!])) as unknown as FashionMnistFiles);
}

async function fetchBytes(url: string | URL, init: RequestInit | undefined, op: string): Promise<Uint8Array> {
  if (typeof fetch !== 'function') {
    throw new Error(`simdgrad: ${op}: this runtime has no fetch(); read the file's bytes yourself and pass them to data.decodeIdx(bytes).`);
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new Error(`simdgrad: ${op}: the request for ${String(url)} failed (${(cause as Error).message}); check the URL, that the server runs, and CORS for another origin.`, { cause });
  }
  if (!response.ok) {
    throw new Error(`simdgrad: ${op}: ${String(url)} answered ${response.status} ${response.statusText}; check the URL (a relative one resolves against the page, or the worker's script).`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

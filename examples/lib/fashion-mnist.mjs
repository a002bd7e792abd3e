// Fashion-MNIST as flat 784-pixel rows, for the MLP examples and their tests.
import { tensor } from 'simdgrad';
import { loadFashionMnist } from 'simdgrad/node';

/**
 * The bundled 6,000 + 1,000 image subset, or the four IDX files in `dir` when given. Returns
 * { source, train: { x [N, 784], y }, test: { x [M, 784], y } }.
 */
export async function loadFlatFashionMnist(dir) {
  const dataset = await loadFashionMnist(dir ? { dir } : { source: 'subset' });
  return {
    source: dataset.source,
    train: { x: dataset.train.images.reshape(-1, 784), y: dataset.train.labels },
    test: { x: dataset.test.images.reshape(-1, 784), y: dataset.test.labels },
  };
}

/** The first n rows of { x, y }, as new tensors (the originals are untouched). */
export function firstRows({ x, y }, n) {
  const width = x.shape[1];
  const count = Math.min(n, x.shape[0]);
  return { x: tensor(x.toFloat32Array().subarray(0, count * width), [count, width]), y: y.subarray(0, count) };
}

// Fashion-MNIST for the examples and the learning tests.
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
  const sampleShape = x.shape.slice(1);
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const count = Math.min(n, x.shape[0]);
  return { x: tensor(x.toFloat32Array().subarray(0, count * sampleSize), [count, ...sampleShape]), y: y.subarray(0, count) };
}

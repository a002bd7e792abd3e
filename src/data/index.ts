// Datasets, batching, the IDX (MNIST-format) reader, fetching and image pixels; nothing here needs Node.
export { parseIdx, decodeIdx, encodeIdx, type IdxArray, type IdxData } from './idx.js';
export { TensorDataset, type Dataset } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderStateDict } from './dataloader.js';
export { fashionMnistFromIdx, FASHION_MNIST_CLASSES, type FashionMnist, type FashionMnistFiles, type LabeledImages } from './fashion-mnist.js';
export { fetchIdx, fetchFashionMnist, type FetchFashionMnistOptions } from './fetch.js';
export { fromPixels, fromPixelsAsync, type FromPixelsOptions, type PixelSource, type ImageDataLike, type DrawableImage } from './pixels.js';

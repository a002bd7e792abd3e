// Datasets, batching and the IDX (MNIST-format) reader; nothing here needs Node.
export { parseIdx, decodeIdx, encodeIdx, type IdxArray, type IdxData } from './idx.js';
export { TensorDataset, type Dataset } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderStateDict } from './dataloader.js';
export { fashionMnistFromIdx, FASHION_MNIST_CLASSES, type FashionMnist, type FashionMnistFiles, type LabeledImages } from './fashion-mnist.js';

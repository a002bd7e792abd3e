import { backend } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { decodeIdx, type IdxArray } from './idx.js';
import { checkOptions } from '../check-args.js';

/** Label i of Fashion-MNIST names class FASHION_MNIST_CLASSES[i]. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** The bytes of the four IDX files (gzipped or raw), e.g. from fetch(...).arrayBuffer(). */
export interface FashionMnistFiles {
  trainImages: Uint8Array | ArrayBuffer;
  trainLabels: Uint8Array | ArrayBuffer;
  testImages: Uint8Array | ArrayBuffer;
  testLabels: Uint8Array | ArrayBuffer;
}

export interface LabeledImages {
  /** [N, 1, height, width] float32 in [0, 1]; yours to dispose. */
  images: Tensor;
  /** N class indices in 0..9. */
  labels: Int32Array;
}

export interface FashionMnist {
  train: LabeledImages;
  test: LabeledImages;
  classNames: readonly string[];
}

/**
 * Decodes Fashion-MNIST (or MNIST: same format) from its IDX files. Images become float32
 * tensors scaled to [0, 1] (like torchvision's ToTensor); works anywhere, from fetched bytes.
 */
export async function fashionMnistFromIdx(files: FashionMnistFiles): Promise<FashionMnist> {
  files = checkOptions<FashionMnistFiles>('fashionMnistFromIdx', files, 'files') as FashionMnistFiles;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [files.trainImages, files.trainLabels, files.testImages, files.testLabels].map(decodeIdx),
  );
  const train = { images: checkImages(trainImages!, 'trainImages'), labels: labelsFrom(trainLabels!, 'trainLabels') };
  const test = { images: checkImages(testImages!, 'testImages'), labels: labelsFrom(testLabels!, 'testLabels') };
  checkCount(train.images, train.labels, 'train');
  checkCount(test.images, test.labels, 'test');
  const trainTensor = imagesToTensor(train.images);
  try {
    return {
      train: { images: trainTensor, labels: train.labels },
      test: { images: imagesToTensor(test.images), labels: test.labels },
      classNames: FASHION_MNIST_CLASSES,
    };
  } catch (error) {
    trainTensor.dispose();
    throw error;
  }
}

function checkImages(idx: IdxArray, name: string): IdxArray {
  if (idx.shape.length !== 3 || !(idx.data instanceof Uint8Array)) {
    throw new Error(`simdgrad: fashionMnistFromIdx: ${name} holds ${describe(idx)}; expected uint8 images of shape [N, height, width] (an idx3-ubyte file). Were the files swapped?`);
  }
  return idx;
}

function imagesToTensor(idx: IdxArray): Tensor {
  const [count, height, width] = idx.shape as [number, number, number];
  const pixels = idx.data;
  const images = Tensor.empty([count, 1, height, width], `${count} images`);
  const memory = backend().allocator.f32();
  const start = images.ptr >>> 2;
  for (let i = 0; i < pixels.length; i++) memory[start + i] = pixels[i]! / 255;
  return images;
}

function labelsFrom(idx: IdxArray, name: string): Int32Array {
  if (idx.shape.length !== 1 || !(idx.data instanceof Uint8Array)) {
    throw new Error(`simdgrad: fashionMnistFromIdx: ${name} holds ${describe(idx)}; expected uint8 labels of shape [N] (an idx1-ubyte file). Were the files swapped?`);
  }
  const labels = Int32Array.from(idx.data);
  const bad = labels.findIndex((label) => label >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) {
    throw new Error(`simdgrad: fashionMnistFromIdx: ${name}[${bad}] is ${labels[bad]}, but Fashion-MNIST has classes 0..${FASHION_MNIST_CLASSES.length - 1}; the file is corrupt or not Fashion-MNIST labels.`);
  }
  return labels;
}

function checkCount(images: IdxArray, labels: Int32Array, split: string): void {
  if (images.shape[0] !== labels.length) {
    throw new Error(`simdgrad: fashionMnistFromIdx: ${split} has ${images.shape[0]} images but ${labels.length} labels; pass the images and labels files of the same split.`);
  }
}

function describe(idx: IdxArray): string {
  return `${idx.data.constructor.name} data of shape [${idx.shape.join(', ')}]`;
}

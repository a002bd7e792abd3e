// Node-only conveniences (files on disk, terminal progress), imported as 'simdgrad/node'.
export {
  loadFashionMnist,
  locateFashionMnist,
  DEBIAN_FASHION_MNIST_DIR,
  type LoadFashionMnistOptions,
  type LoadedFashionMnist,
  type FashionMnistLocation,
  type FashionMnistSource,
} from './fashion-mnist.js';
export { progressCallback, type ProgressCallbackOptions } from './progress-callback.js';
export { ProgressBar, type ProgressBarOptions, type ProgressStream, type EpochSummary } from './progress.js';
export { saveWeights, loadWeights, type SaveWeightsOptions, type LoadWeightsOptions, type LoadWeightsResult } from './weights-file.js';
export { saveCheckpoint, loadCheckpoint, type SaveCheckpointOptions, type LoadCheckpointOptions } from './checkpoint.js';

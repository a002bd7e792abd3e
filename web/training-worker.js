// The page's worker: loads the kernels and Fashion-MNIST once, then trains each job the page
// starts (serveTraining): an image job here, a text job (config.task 'text') in text-training.js;
// and answers the page's own requests (feature maps of an image, the weights as .safetensors)
// between batches, as fit() yields to the event loop.
import { F, confusionMatrix, data, fit, init, io, kernelBuild, manualSeed, nn, noGrad, predict, predictedClasses, serveTraining, tensor, tidy } from 'simdgrad';
import { MODELS, OPTIMIZERS } from './models.js';
import { trainText } from './text-training.js';

/** Test images shown in the page's grid. */
const GRID_SIZE = 40;
const IMAGE_PIXELS = 28 * 28;
/** Least time between two live updates of filters, feature maps and grid predictions (ms). */
const VISUALS_INTERVAL_MS = 400;
/** First-layer units of the MLP shown as 28 x 28 weight templates. */
const MLP_TEMPLATES = 16;

let dataset = null;
let testPixels = null;
let current = null; // { name, model, optimizer } of the last job, kept for downloads and inspection
let inspected = 0;

async function load(dataUrl) {
  const started = performance.now();
  await init();
  dataset = await data.fetchFashionMnist(dataUrl);
  testPixels = dataset.test.images.toFloat32Array();
  self.postMessage({
    app: 'ready',
    kernels: kernelBuild(),
    trainSize: dataset.train.labels.length,
    testSize: dataset.test.labels.length,
    classNames: [...dataset.classNames],
    grid: { pixels: testPixels.slice(0, GRID_SIZE * IMAGE_PIXELS), labels: Array.from(dataset.test.labels.subarray(0, GRID_SIZE)) },
    loadMs: performance.now() - started,
  });
}

async function trainImages(config, context) {
  current?.model.dispose();
  current?.optimizer.dispose();
  manualSeed(config.seed);
  const model = MODELS[config.model]();
  const optimizer = OPTIMIZERS[config.optimizer](model.parameters(), config.lr);
  current = { name: config.model, model, optimizer };
  context.report({ kind: 'model', hasConvolution: model.at(0) instanceof nn.Conv2d, parameters: model.numParameters() });
  context.report(visuals({ withConfusion: false }));
  let lastVisuals = performance.now();
  const history = await fit(model, {
    train: { x: dataset.train.images, y: dataset.train.labels, batchSize: config.batchSize, shuffle: true },
    validation: { x: dataset.test.images, y: dataset.test.labels, batchSize: 500 },
    epochs: config.epochs,
    optimizer,
    metrics: ['accuracy'],
    callbacks: [
      context.callback,
      {
        onBatchEnd: () => {
          if (performance.now() - lastVisuals < VISUALS_INTERVAL_MS) return;
          lastVisuals = performance.now();
          context.report(visuals({ withConfusion: false }));
        },
        onEpochEnd: () => context.report(visuals({ withConfusion: true })),
      },
    ],
  });
  return history.at(-1);
}

/** What the page draws: first-layer filters, the inspected image's feature maps, grid predictions, the confusion matrix. */
function visuals({ withConfusion }) {
  const { model } = current;
  const first = model.at(0);
  const isConv = first instanceof nn.Conv2d;
  const weights = isConv ? first.weight.toFloat32Array() : model.at(1).weight.toFloat32Array().subarray(0, MLP_TEMPLATES * IMAGE_PIXELS);
  const featureMaps = isConv ? noGrad(() => tidy(() => F.relu(first.forward(imageTensor(inspected, 1))).toFloat32Array())) : null;
  const images = withConfusion ? dataset.test.images : imageTensor(0, GRID_SIZE);
  const scores = predict(model, images, { batchSize: 500 });
  if (images !== dataset.test.images) images.dispose();
  try {
    return {
      kind: 'visuals',
      filters: { values: weights, shape: isConv ? first.weight.shape : [MLP_TEMPLATES, 1, 28, 28] },
      featureMaps: featureMaps && { index: inspected, values: featureMaps, shape: [first.outChannels, 28, 28] },
      gridPredictions: Array.from(predictedClasses(scores).subarray(0, GRID_SIZE)),
      confusion: withConfusion ? confusionMatrix(scores, dataset.test.labels, 10) : null,
    };
  } finally {
    scores.dispose();
  }
}

/** `count` test images from `index` on, as a [count, 1, 28, 28] tensor. */
function imageTensor(index, count) {
  return tensor(testPixels.subarray(index * IMAGE_PIXELS, (index + count) * IMAGE_PIXELS), [count, 1, 28, 28]);
}

function onAppMessage(event) {
  const message = event.data;
  if (message?.app === 'load') load(message.dataUrl).catch((error) => self.postMessage({ app: 'error', message: error.message }));
  if (message?.app === 'inspect' && Number.isInteger(message.index)) {
    inspected = message.index;
    if (current) self.postMessage({ app: 'visuals', visuals: visuals({ withConfusion: false }) });
  }
  if (message?.app === 'weights' && current) {
    const bytes = io.encodeSafetensors(current.model.stateDict(), { format: 'pt', model: current.name });
    self.postMessage({ app: 'weights', name: current.name, bytes }, [bytes.buffer]);
  }
}

self.addEventListener('message', onAppMessage);
serveTraining((config, context) => (config.task === 'text' ? trainText(config, context) : trainImages(config, context)));

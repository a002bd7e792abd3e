// The page: controls, charts and pictures. Training runs in training-worker.js; this thread
// only starts, pauses and cancels the job (startTraining) and draws what the worker reports.
import { startTraining } from 'simdgrad';
import { TrainingCharts } from './charts.js';
import { divergingCanvas, drawConfusion, grayCanvas } from './draw.js';

const $ = (id) => document.getElementById(id);
const SHORT_NAMES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];
const CONTROLS = ['model', 'optimizer', 'lr', 'batchSize', 'epochs'];

const worker = new Worker(new URL('./training-worker.js', import.meta.url), { type: 'module' });
const charts = new TrainingCharts($('lossChart'), $('accuracyChart'));
let dataset = null; // what the worker's 'ready' message said
let job = null;
let selected = 0;

worker.addEventListener('message', (event) => {
  const message = event.data;
  if (message?.app === 'ready') onReady(message);
  if (message?.app === 'visuals') drawVisuals(message.visuals);
  if (message?.app === 'weights') saveFile(message.bytes, `fashion-mnist-${message.name}.safetensors`);
  if (message?.app === 'error') showError(message.message);
});
worker.addEventListener('error', (event) => showError(`the training worker failed: ${event.message}`));
worker.postMessage({ app: 'load', dataUrl: new URL('fashion-mnist-subset/', document.baseURI).href });

$('start').addEventListener('click', () => start());
$('pause').addEventListener('click', () => (job.state === 'paused' ? job.resume() : job.pause()));
$('reset').addEventListener('click', () => reset());
$('download').addEventListener('click', () => worker.postMessage({ app: 'weights' }));
const url = new URLSearchParams(location.search);
applyUrlSettings(url);

function onReady(message) {
  dataset = message;
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  $('readyTime').textContent = `ready ${(performance.now() / 1000).toFixed(2)} s after navigation (kernels and data loaded in the worker in ${Math.round(message.loadMs)} ms)`;
  $('kernels').textContent = message.kernels === 'relaxed-simd' ? 'WebAssembly relaxed SIMD (fused multiply-add)' : 'WebAssembly SIMD';
  $('dataInfo').textContent = `${message.trainSize.toLocaleString('en')} training, ${message.testSize.toLocaleString('en')} validation images`;
  buildGrid(message.grid);
  setState('ready');
  if (url.get('autostart') === '1') start();
}

function start() {
  if (job && !isOver(job.state)) return;
  const config = readConfig();
  if (!config) return;
  charts.clear();
  $('final').textContent = '';
  $('error').hidden = true;
  job = startTraining(worker, config);
  job.on('progress', (p) => onProgress(p, config));
  job.on('epoch', (logs) => onEpoch(logs, config));
  job.on('report', (report) => (report.kind === 'visuals' ? drawVisuals(report) : describeModel(report)));
  job.on('state', setState);
  setState('running');
  job.result.then(
    (last) => ($('final').textContent = `validation accuracy ${(100 * last.valAccuracy).toFixed(1)} %`),
    (error) => error.name !== 'AbortError' && showError(error.message),
  );
}

async function reset() {
  await job?.cancel();
  charts.clear();
  $('final').textContent = '';
  for (const id of ['epoch', 'batch', 'speed']) $(id).textContent = '–';
  $('batchProgress').value = 0;
  setState('ready');
}

function onProgress(progress, config) {
  charts.addTraining(progress.epoch - 1 + progress.batch / progress.batches, progress.loss, progress.accuracy);
  $('epoch').textContent = `${progress.epoch} of ${config.epochs}`;
  $('batch').textContent = `${progress.batch} / ${progress.batches}`;
  $('batchProgress').value = progress.batch / progress.batches;
  $('speed').textContent = `${Math.round(progress.samplesPerSecond).toLocaleString('en')} samples/s`;
}

function onEpoch(logs, config) {
  charts.addValidation(logs.epoch, logs.valLoss, logs.valAccuracy);
  $('epoch').textContent = `${logs.epoch} of ${config.epochs}: validation ${(100 * logs.valAccuracy).toFixed(1)} %`;
  $('speed').textContent = `${Math.round(logs.samplesPerSecond).toLocaleString('en')} samples/s (epoch ${logs.epoch}: ${logs.seconds.toFixed(2)} s)`;
}

function setState(state) {
  document.body.dataset.state = state;
  $('state').textContent = state;
  const active = state === 'running' || state === 'paused';
  $('start').disabled = active || !dataset;
  $('pause').disabled = !active;
  $('pause').textContent = state === 'paused' ? 'Resume' : 'Pause';
  $('reset').disabled = !job;
  $('download').disabled = !job;
  for (const id of CONTROLS) $(id).disabled = active;
}

function readConfig() {
  const config = {
    model: $('model').value,
    optimizer: $('optimizer').value,
    lr: Number($('lr').value),
    batchSize: Number($('batchSize').value),
    epochs: Number($('epochs').value),
    seed: 0,
  };
  const problem = !(config.lr > 0) ? 'the learning rate must be a positive number'
    : !(Number.isInteger(config.batchSize) && config.batchSize >= 1) ? 'the batch size must be a positive integer'
      : !(Number.isInteger(config.epochs) && config.epochs >= 1) ? 'epochs must be a positive integer' : null;
  if (problem) showError(problem);
  return problem ? null : config;
}

// ?autostart=1&epochs=N&model=lenet|mlp (and optimizer, lr, batchSize) set the controls.
function applyUrlSettings(params) {
  for (const id of CONTROLS) {
    const value = params.get(id);
    if (value === null) continue;
    const control = $(id);
    if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) {
      showError(`?${id}=${value} is not one of ${[...control.options].map((o) => o.value).join(', ')}`);
      continue;
    }
    control.value = value;
  }
}

function buildGrid({ pixels, labels }) {
  const grid = $('grid');
  grid.replaceChildren(...labels.map((label, i) => {
    const sample = document.createElement('figure');
    sample.className = 'sample';
    sample.dataset.index = String(i);
    sample.dataset.true = String(label);
    sample.title = `true: ${dataset.classNames[label]}`;
    const predicted = document.createElement('span');
    predicted.className = 'predicted';
    const truth = document.createElement('span');
    truth.className = 'truth';
    sample.append(grayCanvas(pixels.subarray(i * 784, (i + 1) * 784), 28, 28), predicted, truth);
    sample.addEventListener('click', () => inspect(i));
    return sample;
  }));
  markSelected();
}

function inspect(index) {
  selected = index;
  markSelected();
  worker.postMessage({ app: 'inspect', index });
}

function markSelected() {
  for (const sample of $('grid').children) sample.classList.toggle('selected', Number(sample.dataset.index) === selected);
}

function drawVisuals({ filters, featureMaps, gridPredictions, confusion }) {
  drawGridPredictions(gridPredictions);
  drawFilters(filters);
  drawFeatureMaps(featureMaps);
  if (confusion) {
    drawConfusion($('confusion'), confusion, SHORT_NAMES);
    $('confusion').dataset.total = String(confusion.flat().reduce((a, b) => a + b, 0));
  }
}

function drawGridPredictions(predictions) {
  [...$('grid').children].forEach((sample, i) => {
    const predicted = predictions[i];
    const truth = Number(sample.dataset.true);
    sample.dataset.predicted = String(predicted);
    sample.classList.toggle('wrong', predicted !== truth);
    sample.querySelector('.predicted').textContent = SHORT_NAMES[predicted];
    sample.querySelector('.truth').textContent = predicted === truth ? '' : `(${SHORT_NAMES[truth]})`;
    sample.title = `predicted: ${dataset.classNames[predicted]}; true: ${dataset.classNames[truth]}`;
  });
}

function drawFilters({ values, shape }) {
  const [count, , height, width] = shape;
  const size = height * width;
  $('filters').replaceChildren(...Array.from({ length: count }, (_, i) => divergingCanvas(values.subarray(i * size, (i + 1) * size), width, height)));
}

function drawFeatureMaps(maps) {
  if (!maps) {
    $('featureMaps').replaceChildren(Object.assign(document.createElement('p'), { textContent: 'The MLP has no convolution: choose LeNet to see feature maps.' }));
    return;
  }
  const [count, height, width] = maps.shape;
  const size = height * width;
  const high = Math.max(1e-6, ...maps.values);
  $('featureCaption').textContent = `Feature maps of test image ${maps.index + 1} (${dataset.classNames[dataset.grid.labels[maps.index]]}) after the first convolution and ReLU`;
  $('featureMaps').replaceChildren(...Array.from({ length: count }, (_, i) => grayCanvas(maps.values.subarray(i * size, (i + 1) * size), width, height, { low: 0, high })));
}

function describeModel({ hasConvolution, parameters }) {
  $('filtersCaption').textContent = hasConvolution
    ? "First convolution's 8 filters (5 x 5; blue negative, red positive)"
    : "First layer's weights of 16 hidden units, as 28 x 28 images (blue negative, red positive)";
  $('parameters').textContent = parameters.toLocaleString('en');
}

function saveFile(bytes, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  document.body.dataset.error = message;
}

function isOver(state) {
  return state === 'done' || state === 'cancelled' || state === 'failed';
}

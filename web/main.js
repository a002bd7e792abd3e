// The page: controls and status. Training runs in training-worker.js; this thread only starts,
// pauses and cancels the job (startTraining) and hands what the worker reports to the charts
// (charts.js) and the pictures (pictures.js).
import { startTraining } from 'simdgrad';
import { TrainingCharts } from './charts.js';
import { ModelPictures } from './pictures.js';

const $ = (id) => document.getElementById(id);
const CONTROLS = ['model', 'optimizer', 'lr', 'batchSize', 'epochs'];

const worker = new Worker(new URL('./training-worker.js', import.meta.url), { type: 'module' });
const charts = new TrainingCharts($('lossChart'), $('accuracyChart'));
const pictures = new ModelPictures((index) => worker.postMessage({ app: 'inspect', index }));
const url = new URLSearchParams(location.search);
let ready = false; // the worker has loaded the kernels and the data
let job = null;
applyUrlSettings(url);

worker.addEventListener('message', (event) => {
  const message = event.data;
  if (message?.app === 'ready') onReady(message);
  if (message?.app === 'visuals') pictures.draw(message.visuals);
  if (message?.app === 'weights') saveFile(message.bytes, `fashion-mnist-${message.name}.safetensors`);
  if (message?.app === 'error') showError(message.message);
});
worker.addEventListener('error', (event) => showError(`the training worker failed: ${event.message}`));
worker.postMessage({ app: 'load', dataUrl: new URL('fashion-mnist-subset/', document.baseURI).href });

$('start').addEventListener('click', () => start());
$('pause').addEventListener('click', () => (job.state === 'paused' ? job.resume() : job.pause()));
$('reset').addEventListener('click', () => reset());
$('download').addEventListener('click', () => worker.postMessage({ app: 'weights' }));

function onReady(message) {
  ready = true;
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  $('readyTime').textContent = `ready ${(performance.now() / 1000).toFixed(2)} s after navigation (kernels and data loaded in the worker in ${Math.round(message.loadMs)} ms)`;
  $('kernels').textContent = message.kernels === 'relaxed-simd' ? 'WebAssembly relaxed SIMD (fused multiply-add)' : 'WebAssembly SIMD';
  $('dataInfo').textContent = `${message.trainSize.toLocaleString('en')} training, ${message.testSize.toLocaleString('en')} validation images`;
  pictures.showImages(message.grid, message.classNames);
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
  job.on('report', (report) => (report.kind === 'visuals' ? pictures.draw(report) : describeModel(report)));
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
  $('start').disabled = active || !ready;
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

function describeModel(model) {
  pictures.describeModel(model);
  $('parameters').textContent = model.parameters.toLocaleString('en');
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

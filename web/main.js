// The page: tabs, buttons and status. Training runs in training-worker.js; this thread only
// starts, pauses and cancels the job (startTraining) and hands what the worker reports to the
// selected tab: image-tab.js (Fashion-MNIST) or text-tab.js (the fortune files).
import { startTraining } from 'simdgrad';
import { ImageTab } from './image-tab.js';
import { TextTab } from './text-tab.js';

const $ = (id) => document.getElementById(id);

const worker = new Worker(new URL('./training-worker.js', import.meta.url), { type: 'module' });
const tabs = {
  images: new ImageTab((index) => worker.postMessage({ app: 'inspect', index })),
  text: new TextTab(new URL('fortunes/', document.baseURI).href),
};
const url = new URLSearchParams(location.search);
let tab = tabs.images;
let ready = false; // the worker has loaded the kernels and the data
let job = null; // the last job, of either tab
applyUrlSettings(url);

worker.addEventListener('message', (event) => {
  const message = event.data;
  if (message?.app === 'ready') onReady(message);
  if (message?.app === 'visuals') tabs.images.pictures.draw(message.visuals);
  if (message?.app === 'weights') saveFile(message.bytes, `fashion-mnist-${message.name}.safetensors`);
  if (message?.app === 'error') showError(message.message);
});
worker.addEventListener('error', (event) => showError(`the training worker failed: ${event.message}`));
worker.postMessage({ app: 'load', dataUrl: new URL('fashion-mnist-subset/', document.baseURI).href });

for (const name of Object.keys(tabs)) $(`${name}Tab`).addEventListener('click', () => selectTab(name));
$('start').addEventListener('click', () => start());
$('pause').addEventListener('click', () => (job.state === 'paused' ? job.resume() : job.pause()));
$('reset').addEventListener('click', () => reset());
$('download').addEventListener('click', () => worker.postMessage({ app: 'weights' }));

function onReady(message) {
  ready = true;
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  $('readyTime').textContent = `ready ${(performance.now() / 1000).toFixed(2)} s after navigation (kernels and data loaded in the worker in ${Math.round(message.loadMs)} ms)`;
  $('kernels').textContent = message.kernels === 'relaxed-simd' ? 'WebAssembly relaxed SIMD (fused multiply-add)' : 'WebAssembly SIMD';
  tabs.images.onDataReady(message);
  $('dataInfo').textContent = tab.dataInfo;
  setState('ready');
  if (url.get('autostart') === '1') start();
}

/** Shows the tab `name` ('images' or 'text'); the other tab's charts and samples stay as they were. */
function selectTab(name) {
  if (tab === tabs[name] || isActive(document.body.dataset.state)) return;
  tab = tabs[name];
  document.body.dataset.tab = name;
  for (const other of Object.keys(tabs)) $(`${other}Tab`).setAttribute('aria-selected', String(other === name));
  clearStatus();
  $('dataInfo').textContent = tab.dataInfo;
  if (ready) setState('ready');
}

function start() {
  if (job && !isOver(job.state)) return;
  const config = tab.readConfig();
  if (typeof config === 'string') return showError(config);
  const owner = tab;
  clearStatus();
  $('error').hidden = true;
  job = startTraining(worker, config);
  owner.follow(job, config);
  job.on('state', setState);
  setState('running');
  job.result.then(
    (result) => ($('final').textContent = owner.finalText(result)),
    (error) => error.name !== 'AbortError' && showError(error.message),
  );
}

async function reset() {
  await job?.cancel();
  tab.clear();
  clearStatus();
  setState('ready');
}

function clearStatus() {
  $('final').textContent = '';
  for (const id of ['epoch', 'batch', 'speed', 'parameters']) $(id).textContent = '–';
  $('batchProgress').value = 0;
}

function setState(state) {
  document.body.dataset.state = state;
  $('state').textContent = state;
  const active = isActive(state);
  $('start').disabled = active || !ready;
  $('pause').disabled = !active;
  $('pause').textContent = state === 'paused' ? 'Resume' : 'Pause';
  $('reset').disabled = !job;
  $('download').disabled = !tabs.images.job; // the worker keeps the last image model for it
  for (const name of Object.keys(tabs)) $(`${name}Tab`).disabled = active;
  for (const id of tab.controls) $(id).disabled = active;
}

// ?tab=text selects the Text tab; ?autostart=1&epochs=N&model=lenet|mlp (and optimizer, lr,
// batchSize; on the Text tab textModel, textLr, textBatchSize, textEpochs, stepsPerEpoch,
// temperature) set the controls.
function applyUrlSettings(params) {
  const tabName = params.get('tab');
  if (tabName !== null && !(tabName in tabs)) showError(`?tab=${tabName} is not one of ${Object.keys(tabs).join(', ')}`);
  else if (tabName !== null) selectTab(tabName);
  for (const id of Object.values(tabs).flatMap((t) => t.controls)) {
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

function isActive(state) {
  return state === 'running' || state === 'paused';
}

function isOver(state) {
  return state === 'done' || state === 'cancelled' || state === 'failed';
}

// The Images tab: Fashion-MNIST with a LeNet or an MLP. It reads its controls into a job's
// config and hands what the job reports to the loss and accuracy charts (charts.js) and the
// pictures (pictures.js); main.js owns the tabs, the buttons and the job's life.
import { TrainingCharts } from './charts.js';
import { ModelPictures } from './pictures.js';

const $ = (id) => document.getElementById(id);

export class ImageTab {
  /** `inspect(index)` asks the worker for the feature maps of test image `index`. */
  constructor(inspect) {
    this.job = null; // the last job this tab started
    this.controls = ['model', 'optimizer', 'lr', 'batchSize', 'epochs'];
    this.charts = new TrainingCharts($('lossChart'), $('accuracyChart'));
    this.pictures = new ModelPictures(inspect);
    this.dataInfo = '–';
  }

  /** The worker has loaded Fashion-MNIST: `message` is its 'ready' message. */
  onDataReady(message) {
    this.dataInfo = `${message.trainSize.toLocaleString('en')} training, ${message.testSize.toLocaleString('en')} validation images`;
    this.pictures.showImages(message.grid, message.classNames);
  }

  /** The config of a job from the controls, or a string saying what is wrong with them. */
  readConfig() {
    const config = {
      model: $('model').value,
      optimizer: $('optimizer').value,
      lr: Number($('lr').value),
      batchSize: Number($('batchSize').value),
      epochs: Number($('epochs').value),
      seed: 0,
    };
    return !(config.lr > 0) ? 'the learning rate must be a positive number'
      : !(Number.isInteger(config.batchSize) && config.batchSize >= 1) ? 'the batch size must be a positive integer'
        : !(Number.isInteger(config.epochs) && config.epochs >= 1) ? 'epochs must be a positive integer' : config;
  }

  /** Follows `job`, started with `config`, until it ends. */
  follow(job, config) {
    this.job = job;
    this.clear();
    job.on('progress', (p) => this.onProgress(p, config));
    job.on('epoch', (logs) => this.onEpoch(logs, config));
    job.on('report', (report) => (report.kind === 'visuals' ? this.pictures.draw(report) : this.describeModel(report)));
  }

  finalText(last) {
    return `validation accuracy ${(100 * last.valAccuracy).toFixed(1)} %`;
  }

  clear() {
    this.charts.clear();
  }

  onProgress(progress, config) {
    this.charts.addTraining(progress.epoch - 1 + progress.batch / progress.batches, progress.loss, progress.accuracy);
    $('epoch').textContent = `${progress.epoch} of ${config.epochs}`;
    $('batch').textContent = `${progress.batch} / ${progress.batches}`;
    $('batchProgress').value = progress.batch / progress.batches;
    $('speed').textContent = `${Math.round(progress.samplesPerSecond).toLocaleString('en')} samples/s`;
  }

  onEpoch(logs, config) {
    this.charts.addValidation(logs.epoch, logs.valLoss, logs.valAccuracy);
    $('epoch').textContent = `${logs.epoch} of ${config.epochs}: validation ${(100 * logs.valAccuracy).toFixed(1)} %`;
    $('speed').textContent = `${Math.round(logs.samplesPerSecond).toLocaleString('en')} samples/s (epoch ${logs.epoch}: ${logs.seconds.toFixed(2)} s)`;
  }

  describeModel(model) {
    this.pictures.describeModel(model);
    $('parameters').textContent = model.parameters.toLocaleString('en');
  }
}

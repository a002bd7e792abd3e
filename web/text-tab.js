// The Text tab: the character transformer of examples/char-transformer.mjs learns the fortune
// files in the worker (text-training.js). It reads its controls into a job's config, charts
// training and validation bits per character, and lists the text the model samples after each
// epoch; main.js owns the tabs, the buttons and the job's life.
import { LiveChart } from './charts.js';

const $ = (id) => document.getElementById(id);

export class TextTab {
  /** `corpusUrl`: the folder the worker fetches the fortune files from. */
  constructor(corpusUrl) {
    this.corpusUrl = corpusUrl;
    this.job = null; // the last job this tab started
    this.controls = ['textModel', 'textLr', 'textBatchSize', 'textEpochs', 'stepsPerEpoch', 'temperature'];
    this.chart = new LiveChart($('bitsChart'), { label: 'bits per character', format: (v) => v.toFixed(1) });
    this.dataInfo = 'the fortune files (data/fortunes/), fetched at the first Start';
  }

  /** The config of a job from the controls, or a string saying what is wrong with them. */
  readConfig() {
    const config = {
      task: 'text',
      corpusUrl: this.corpusUrl,
      model: $('textModel').value,
      lr: Number($('textLr').value),
      batchSize: Number($('textBatchSize').value),
      epochs: Number($('textEpochs').value),
      stepsPerEpoch: Number($('stepsPerEpoch').value),
      temperature: Number($('temperature').value),
      seed: 0,
    };
    const isCount = (value) => Number.isInteger(value) && value >= 1;
    return !(config.lr > 0) ? 'the learning rate must be a positive number'
      : !isCount(config.batchSize) ? 'the batch size must be a positive integer'
        : !isCount(config.epochs) ? 'epochs must be a positive integer'
          : !isCount(config.stepsPerEpoch) ? 'steps per epoch must be a positive integer'
            : !(config.temperature > 0) ? 'the temperature must be a positive number' : config;
  }

  /** Follows `job`, started with `config`, until it ends. */
  follow(job, config) {
    this.job = job;
    this.clear();
    job.on('progress', (p) => this.onProgress(p, config));
    job.on('epoch', (logs) => this.onEpoch(logs));
    job.on('report', (report) => (report.kind === 'text-sample' ? this.onSample(report, config) : this.describeModel(report)));
  }

  finalText(result) {
    return `validation ${result.validationBits.toFixed(2)} bits per character`;
  }

  clear() {
    this.chart.clear();
    $('samples').replaceChildren();
    $('bits').textContent = '–';
  }

  onProgress(progress, config) {
    this.chart.addTraining(progress.epoch - 1 + progress.batch / progress.batches, progress.loss / Math.LN2);
    $('epoch').textContent = `${progress.epoch} of ${config.epochs}`;
    $('batch').textContent = `${progress.batch} / ${progress.batches}`;
    $('batchProgress').value = progress.batch / progress.batches;
    $('speed').textContent = `${Math.round(progress.samplesPerSecond).toLocaleString('en')} tokens/s`;
  }

  onEpoch(logs) {
    $('speed').textContent = `${Math.round(logs.samplesPerSecond).toLocaleString('en')} tokens/s (epoch ${logs.epoch}: ${logs.seconds.toFixed(2)} s)`;
  }

  /** The validation bits per character after `epoch` (0: untrained) and the text the model wrote then. */
  onSample({ epoch, validationBits, text }, config) {
    this.chart.addValidation(epoch, validationBits);
    $('bits').textContent = `${validationBits.toFixed(3)} bits per character`;
    const item = document.createElement('li');
    item.dataset.epoch = String(epoch);
    const caption = Object.assign(document.createElement('span'), {
      className: 'legend',
      textContent: `${epoch === 0 ? 'untrained' : `after epoch ${epoch}`}: validation ${validationBits.toFixed(2)} bits per character, temperature ${config.temperature}`,
    });
    item.append(caption, Object.assign(document.createElement('pre'), { textContent: text }));
    $('samples').prepend(item);
  }

  describeModel({ parameters, context, characters, alphabet, unigramBits }) {
    $('parameters').textContent = `${parameters.toLocaleString('en')} (context ${context} characters)`;
    this.dataInfo = `${characters.toLocaleString('en')} characters of fortunes, ${alphabet.length} distinct; the last 10 % validates`;
    $('dataInfo').textContent = this.dataInfo;
    $('unigram').textContent = `a model that ignores context scores ${unigramBits.toFixed(2)}; uniform guessing ${Math.log2(alphabet.length).toFixed(2)}`;
  }
}

// Live training charts (uPlot): a training curve per batch and validation points per epoch, on
// one epoch axis. TrainingCharts draws the image tab's loss and accuracy; the text tab draws
// bits per character on one LiveChart.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const TRAIN = '#2563eb';
const VALIDATION = '#ea580c';
const HEIGHT = 240;

/** One chart: `label` names its series ('training loss', 'validation loss'); `format` writes a y tick. */
export class LiveChart {
  constructor(element, { label, format, range = null }) {
    this.plot = chart(element, label, format, range);
    this.clear();
    new ResizeObserver(() => this.resize()).observe(element);
  }

  clear() {
    this.x = [];
    this.training = [];
    this.validation = [];
    this.redraw();
  }

  /** A batch's running value at fractional epoch `x`. */
  addTraining(x, value) {
    this.push(x, value, null);
  }

  /** The validation value at the end of epoch `epoch`. */
  addValidation(epoch, value) {
    this.push(epoch, null, value);
  }

  push(x, training, validation) {
    this.x.push(x);
    this.training.push(training);
    this.validation.push(validation);
    this.redraw();
  }

  redraw() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.plot.setData([this.x, this.training, this.validation]);
    });
  }

  resize() {
    const width = this.plot.root.parentElement.clientWidth - 2;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }
}

/** The image tab's loss and accuracy charts, fed together. */
export class TrainingCharts {
  constructor(lossElement, accuracyElement) {
    this.loss = new LiveChart(lossElement, { label: 'loss', format: (v) => v.toFixed(2) });
    this.accuracy = new LiveChart(accuracyElement, { label: 'accuracy', format: (v) => `${Math.round(v * 100)} %`, range: [0, 1] });
  }

  clear() {
    this.loss.clear();
    this.accuracy.clear();
  }

  /** A batch's running loss and accuracy at fractional epoch `x`. */
  addTraining(x, loss, accuracy) {
    this.loss.addTraining(x, loss);
    this.accuracy.addTraining(x, accuracy);
  }

  /** The validation loss and accuracy at the end of epoch `epoch`. */
  addValidation(epoch, valLoss, valAccuracy) {
    this.loss.addValidation(epoch, valLoss);
    this.accuracy.addValidation(epoch, valAccuracy);
  }
}

function chart(element, label, format, range) {
  return new uPlot(
    {
      width: Math.max(element.clientWidth - 2, 300),
      height: HEIGHT,
      // A little room right of the last epoch, so its validation point is not cut in half.
      scales: { x: { time: false, range: (_, min, max) => [0, Math.max(max, 0.1) * 1.03] }, y: range ? { range } : { auto: true } },
      axes: [{ label: 'epoch', size: 40 }, { values: (_, ticks) => ticks.map(format), size: 52 }],
      legend: { live: false },
      cursor: { show: false },
      series: [
        {},
        { label: `training ${label}`, stroke: TRAIN, width: 1.5, spanGaps: true, points: { show: false } },
        { label: `validation ${label}`, stroke: VALIDATION, width: 2, spanGaps: true, points: { show: true, size: 7, fill: VALIDATION } },
      ],
    },
    [[], [], []],
    element,
  );
}

// Live loss and accuracy charts (uPlot): training per batch, validation per epoch, on one epoch axis.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const TRAIN = '#2563eb';
const VALIDATION = '#ea580c';

export class TrainingCharts {
  constructor(lossElement, accuracyElement) {
    this.loss = chart(lossElement, 'loss', (v) => v.toFixed(2));
    this.accuracy = chart(accuracyElement, 'accuracy', (v) => `${Math.round(v * 100)} %`);
    this.clear();
    new ResizeObserver(() => this.resize()).observe(lossElement);
  }

  clear() {
    this.epochs = [];
    this.series = { loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
    this.redraw();
  }

  /** A batch's running loss and accuracy at fractional epoch `x`. */
  addTraining(x, loss, accuracy) {
    this.push(x, { loss, accuracy, valLoss: null, valAccuracy: null });
  }

  /** The validation loss and accuracy at the end of epoch `epoch`. */
  addValidation(epoch, valLoss, valAccuracy) {
    this.push(epoch, { loss: null, accuracy: null, valLoss, valAccuracy });
  }

  push(x, values) {
    this.epochs.push(x);
    for (const key of Object.keys(this.series)) this.series[key].push(values[key]);
    this.redraw();
  }

  redraw() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      const { loss, accuracy, valLoss, valAccuracy } = this.series;
      this.loss.setData([this.epochs, loss, valLoss]);
      this.accuracy.setData([this.epochs, accuracy, valAccuracy]);
    });
  }

  resize() {
    for (const plot of [this.loss, this.accuracy]) {
      const width = plot.root.parentElement.clientWidth - 2;
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: 240 });
    }
  }
}

function chart(element, label, format) {
  return new uPlot(
    {
      width: Math.max(element.clientWidth - 2, 300),
      height: 240,
      // A little room right of the last epoch, so its validation point is not cut in half.
      scales: { x: { time: false, range: (_, min, max) => [0, Math.max(max, 0.1) * 1.03] }, y: label === 'accuracy' ? { range: [0, 1] } : { auto: true } },
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

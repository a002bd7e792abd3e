// What the model does, in pictures: test images with predicted and true labels, the confusion
// matrix, the first layer's filters and the feature maps of the selected image.
import { divergingCanvas, drawConfusion, grayCanvas } from './draw.js';

const SHORT_NAMES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];
const IMAGE_PIXELS = 28 * 28;
const $ = (id) => document.getElementById(id);

export class ModelPictures {
  /** `onSelect(index)` runs when the user clicks test image `index`. */
  constructor(onSelect) {
    this.onSelect = onSelect;
    this.selected = 0;
    this.classNames = [];
    this.labels = [];
  }

  /** Draws the grid of test images, unlabelled until the first predictions arrive. */
  showImages({ pixels, labels }, classNames) {
    this.classNames = classNames;
    this.labels = labels;
    $('grid').replaceChildren(...labels.map((label, i) => this.sample(pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), label, i)));
    this.markSelected();
  }

  describeModel({ hasConvolution }) {
    $('filtersCaption').textContent = hasConvolution
      ? "First convolution's 8 filters (5 x 5; blue negative, red positive)"
      : "First layer's weights of 16 hidden units, as 28 x 28 images (blue negative, red positive)";
  }

  draw({ filters, featureMaps, gridPredictions, confusion }) {
    this.drawPredictions(gridPredictions);
    this.drawFilters(filters);
    this.drawFeatureMaps(featureMaps);
    if (confusion) {
      drawConfusion($('confusion'), confusion, SHORT_NAMES);
      $('confusion').dataset.total = String(confusion.flat().reduce((a, b) => a + b, 0));
    }
  }

  sample(pixels, label, index) {
    const sample = document.createElement('figure');
    sample.className = 'sample';
    sample.dataset.index = String(index);
    sample.dataset.true = String(label);
    sample.title = `true: ${this.classNames[label]}`;
    const predicted = Object.assign(document.createElement('span'), { className: 'predicted' });
    const truth = Object.assign(document.createElement('span'), { className: 'truth' });
    sample.append(grayCanvas(pixels, 28, 28), predicted, truth);
    sample.addEventListener('click', () => {
      this.selected = index;
      this.markSelected();
      this.onSelect(index);
    });
    return sample;
  }

  markSelected() {
    for (const sample of $('grid').children) sample.classList.toggle('selected', Number(sample.dataset.index) === this.selected);
  }

  drawPredictions(predictions) {
    [...$('grid').children].forEach((sample, i) => {
      const predicted = predictions[i];
      const truth = Number(sample.dataset.true);
      sample.dataset.predicted = String(predicted);
      sample.classList.toggle('wrong', predicted !== truth);
      sample.querySelector('.predicted').textContent = SHORT_NAMES[predicted];
      sample.querySelector('.truth').textContent = predicted === truth ? '' : `(${SHORT_NAMES[truth]})`;
      sample.title = `predicted: ${this.classNames[predicted]}; true: ${this.classNames[truth]}`;
    });
  }

  drawFilters({ values, shape }) {
    const [count, , height, width] = shape;
    const size = height * width;
    $('filters').replaceChildren(...Array.from({ length: count }, (_, i) => divergingCanvas(values.subarray(i * size, (i + 1) * size), width, height)));
  }

  drawFeatureMaps(maps) {
    if (!maps) {
      $('featureMaps').replaceChildren(Object.assign(document.createElement('p'), { textContent: 'The MLP has no convolution: choose LeNet to see feature maps.' }));
      return;
    }
    const [count, height, width] = maps.shape;
    const size = height * width;
    const high = maps.values.reduce((a, b) => Math.max(a, b), 1e-6);
    $('featureCaption').textContent = `Feature maps of test image ${maps.index + 1} (${this.classNames[this.labels[maps.index]]}) after the first convolution and ReLU`;
    $('featureMaps').replaceChildren(...Array.from({ length: count }, (_, i) => grayCanvas(maps.values.subarray(i * size, (i + 1) * size), width, height, { low: 0, high })));
  }
}

// Canvas drawing for the page: grayscale images, weight tiles, the confusion heatmap.

/** Draws `values` (height x width, in [low, high]) as grayscale into a new canvas. */
export function grayCanvas(values, width, height, { low = 0, high = 1, invert = false } = {}) {
  const canvas = sizedCanvas(width, height);
  const context = canvas.getContext('2d');
  const image = context.createImageData(width, height);
  const span = high - low || 1;
  for (let i = 0; i < width * height; i++) {
    const level = Math.max(0, Math.min(1, (values[i] - low) / span));
    const byte = Math.round(255 * (invert ? 1 - level : level));
    image.data.set([byte, byte, byte, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Draws signed weights with a diverging palette: blue negative, white zero, red positive. */
export function divergingCanvas(values, width, height) {
  const canvas = sizedCanvas(width, height);
  const context = canvas.getContext('2d');
  const image = context.createImageData(width, height);
  let extent = 1e-12;
  for (let i = 0; i < width * height; i++) extent = Math.max(extent, Math.abs(values[i]));
  for (let i = 0; i < width * height; i++) {
    const t = values[i] / extent;
    const fade = Math.round(255 * (1 - Math.abs(t)));
    image.data.set(t >= 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Rows: true class, columns: predicted; each cell shaded by its share of the row, with its count. */
export function drawConfusion(canvas, matrix, classNames) {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  const left = 84;
  const top = 72;
  const cell = Math.min((width - left - 8) / 10, (height - top - 8) / 10);
  context.clearRect(0, 0, width, height);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#1d2430';
  context.textBaseline = 'middle';
  context.textAlign = 'right';
  classNames.forEach((name, row) => context.fillText(name, left - 6, top + (row + 0.5) * cell));
  context.save();
  context.textAlign = 'left';
  classNames.forEach((name, column) => {
    context.save();
    context.translate(left + (column + 0.5) * cell, top - 6);
    context.rotate(-Math.PI / 3);
    context.fillText(name, 0, 0);
    context.restore();
  });
  context.restore();
  context.textAlign = 'center';
  matrix.forEach((counts, row) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    counts.forEach((count, column) => {
      const share = count / total;
      context.fillStyle = row === column ? `rgba(37, 99, 235, ${0.08 + 0.92 * share})` : `rgba(220, 38, 38, ${share === 0 ? 0 : 0.1 + 0.9 * share})`;
      context.fillRect(left + column * cell, top + row * cell, cell - 1, cell - 1);
      context.fillStyle = share > 0.5 ? '#fff' : '#1d2430';
      if (count > 0) context.fillText(String(count), left + (column + 0.5) * cell, top + (row + 0.5) * cell);
    });
  });
}

function sizedCanvas(width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

// Plain-text output for the examples: aligned tables (the first column left-aligned, the rest
// right-aligned), percentages, and paragraphs wrapped to the terminal's customary width.

/** Formats `rows` (arrays of strings) under `headers` as lines of aligned columns. */
export function formatTable(headers, rows) {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  return [alignRow(headers, widths), ...rows.map((row) => alignRow(row, widths))].join('\n');
}

/**
 * A table printed a row at a time, as results arrive: the first column is as wide as its
 * header, the others as their header or `minWidth`, whichever is wider. Returns { header, row(cells) }.
 */
export function streamingTable(headers, minWidth = 9) {
  const widths = headers.map((h, c) => (c === 0 ? h.length : Math.max(h.length, minWidth)));
  return { header: alignRow(headers, widths), row: (cells) => alignRow(cells, widths) };
}

/** 0.8734 → '87.3 %'. */
export function percent(fraction, digits = 1) {
  return `${(100 * fraction).toFixed(digits)} %`;
}

/** Re-flows each paragraph of `text` (separated by blank lines) into lines of at most `width` characters. */
export function wrap(text, width = 100) {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => wrapParagraph(paragraph.split(/\s+/), width))
    .join('\n\n');
}

function wrapParagraph(words, width) {
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].join('\n');
}

function alignRow(cells, widths) {
  return cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
}

export const EPOCH_HEADER = 'epoch  train loss  train acc  test loss  test acc  samples/s';

/** One fit() epoch log as a row under EPOCH_HEADER. */
export function epochRow(logs) {
  return [
    String(logs.epoch).padStart(5),
    logs.loss.toFixed(4).padStart(10),
    percent(logs.accuracy, 2).padStart(9),
    logs.valLoss.toFixed(4).padStart(9),
    percent(logs.valAccuracy, 2).padStart(8),
    Math.round(logs.samplesPerSecond).toString().padStart(9),
  ].join('  ');
}

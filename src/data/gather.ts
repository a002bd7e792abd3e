import { backend } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { formatShape } from '../shape-util.js';

/** A new tensor of shape [indices.length, ...rest] holding the chosen rows (first-dim slices) of `source`. */
export function gatherRows(source: Tensor, indices: ArrayLike<number>): Tensor {
  return copyRows(source, indices, [indices.length, ...source.shape.slice(1)]);
}

/** A new tensor of shape `source.shape.slice(1)` holding row `index` of `source`. */
export function takeRow(source: Tensor, index: number): Tensor {
  return copyRows(source, [index], source.shape.slice(1));
}

/** Stacks samples (each a list of tensors with the same shapes in every sample) into one new tensor per position. */
export function stackSamples(samples: readonly (readonly Tensor[])[]): Tensor[] {
  const first = samples[0]!;
  samples.forEach((sample, s) => {
    if (describeSample(sample) !== describeSample(first)) {
      throw new Error(
        `simdgrad: DataLoader: sample ${s} of the batch has shapes ${describeSample(sample)} but sample 0 has ${describeSample(first)}; ` +
          'every sample of a dataset must have the same number of tensors and the same shapes to be batched.',
      );
    }
  });
  return first.map((template, position) => {
    const out = Tensor.empty([samples.length, ...template.shape], 'a batch');
    const memory = backend().allocator.f32();
    const to = out.ptr >>> 2;
    samples.forEach((sample, s) => {
      const from = sample[position]!.ptr >>> 2;
      memory.copyWithin(to + s * template.size, from, from + template.size);
    });
    return out;
  });
}

// Runs of consecutive indices (every batch when not shuffling) are copied in one memmove.
function copyRows(source: Tensor, indices: ArrayLike<number>, shape: readonly number[]): Tensor {
  const rows = source.shape[0]!;
  const rowSize = rows === 0 ? 0 : source.size / rows;
  checkIndices(indices, rows);
  const from = source.ptr >>> 2;
  const out = Tensor.empty(shape, 'a batch');
  // Taken after allocating: an allocation may grow the memory and detach older views.
  const memory = backend().allocator.f32();
  let to = out.ptr >>> 2;
  for (let k = 0; k < indices.length;) {
    const start = indices[k]!;
    let end = start + 1;
    for (k++; k < indices.length && indices[k] === end; k++) end++;
    memory.copyWithin(to, from + start * rowSize, from + end * rowSize);
    to += (end - start) * rowSize;
  }
  return out;
}

function checkIndices(indices: ArrayLike<number>, rows: number): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= rows) {
      throw new Error(`simdgrad: dataset index ${i} is out of range for ${rows} samples; use an integer in 0..${rows - 1}.`);
    }
  }
}

function describeSample(sample: readonly Tensor[]): string {
  return sample.map((t) => formatShape(t.shape)).join(', ') || '(no tensors)';
}

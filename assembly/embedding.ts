// The embedding's weight gradient: each looked-up row's upstream gradient added into the row
// of the table it came from, so repeated indices sum and rows nobody used stay zero; and the
// max-norm renormalization of looked-up rows. The forward is a row gather (indexSelectForward).

// gradWeight[index[j], :] += grad[j, :] for every j whose index is not paddingIdx (-1: none).
// With counts (a scratch buffer of one float per table row, 0: none) each addition is divided by
// how often its row occurs in index: scale_grad_by_freq.
export function embeddingBackward(grad: usize, index: usize, gradWeight: usize, count: i32, dim: i32, paddingIdx: i32, counts: usize, rows: i32): void {
  if (counts != 0) {
    memory.fill(counts, 0, <usize>rows << 2);
    for (let j = 0; j < count; j++) {
      const at = counts + (<usize>(<i32>load<f32>(index + (<usize>j << 2))) << 2);
      store<f32>(at, load<f32>(at) + 1);
    }
  }
  for (let j = 0; j < count; j++) {
    const row = <i32>load<f32>(index + (<usize>j << 2));
    if (row == paddingIdx) continue;
    const scale: f32 = counts != 0 ? 1 / load<f32>(counts + (<usize>row << 2)) : 1;
    const sv = f32x4.splat(scale);
    const from = grad + (<usize>(j * dim) << 2);
    const to = gradWeight + (<usize>(row * dim) << 2);
    let i = 0;
    for (; i + 4 <= dim; i += 4) {
      const off = <usize>i << 2;
      v128.store(to + off, f32x4.add(v128.load(to + off), f32x4.mul(sv, v128.load(from + off))));
    }
    for (; i < dim; i++) {
      const off = <usize>i << 2;
      store<f32>(to + off, load<f32>(to + off) + scale * load<f32>(from + off));
    }
  }
}

// The p-norm of n contiguous values: the 2-norm on vectors, others (1, inf, any p > 0) one by one.
function rowNorm(row: usize, n: i32, p: f32): f32 {
  if (p == 2) {
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(row + (<usize>i << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    let total = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < n; i++) {
      const v = load<f32>(row + (<usize>i << 2));
      total += v * v;
    }
    return Mathf.sqrt(total);
  }
  let total: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = Mathf.abs(load<f32>(row + (<usize>i << 2)));
    if (p == Infinity) total = max(total, v);
    else if (p == 1) total += v;
    else total += Mathf.pow(v, p);
  }
  return p == Infinity || p == 1 ? total : Mathf.pow(total, 1 / p);
}

// As torch.embedding_renorm_: every row of weight that index names and whose p-norm exceeds
// maxNorm is scaled in place by maxNorm / (norm + 1e-7). A repeated row is already within
// maxNorm when it comes again, so it is scaled once.
export function embeddingRenorm(weight: usize, index: usize, count: i32, dim: i32, maxNorm: f32, p: f32): void {
  for (let j = 0; j < count; j++) {
    const row = weight + (<usize>(<i32>load<f32>(index + (<usize>j << 2)) * dim) << 2);
    const norm = rowNorm(row, dim, p);
    if (!(norm > maxNorm)) continue;
    const sv = f32x4.splat(maxNorm / (norm + 1e-7));
    let i = 0;
    for (; i + 4 <= dim; i += 4) {
      const off = <usize>i << 2;
      v128.store(row + off, f32x4.mul(v128.load(row + off), sv));
    }
    for (; i < dim; i++) {
      const off = <usize>i << 2;
      store<f32>(row + off, load<f32>(row + off) * f32x4.extract_lane(sv, 0));
    }
  }
}

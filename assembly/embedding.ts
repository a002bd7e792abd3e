// The embedding's weight gradient: each looked-up row's upstream gradient added into the row
// of the table it came from, so repeated indices sum and rows nobody used stay zero. The
// forward is a row gather (indexSelectForward).

// gradWeight[index[j], :] += grad[j, :] for every j whose index is not paddingIdx (-1: none).
export function embeddingBackward(grad: usize, index: usize, gradWeight: usize, count: i32, dim: i32, paddingIdx: i32): void {
  for (let j = 0; j < count; j++) {
    const row = <i32>load<f32>(index + (<usize>j << 2));
    if (row == paddingIdx) continue;
    const from = grad + (<usize>(j * dim) << 2);
    const to = gradWeight + (<usize>(row * dim) << 2);
    let i = 0;
    for (; i + 4 <= dim; i += 4) {
      const off = <usize>i << 2;
      v128.store(to + off, f32x4.add(v128.load(to + off), v128.load(from + off)));
    }
    for (; i < dim; i++) {
      const off = <usize>i << 2;
      store<f32>(to + off, load<f32>(to + off) + load<f32>(from + off));
    }
  }
}

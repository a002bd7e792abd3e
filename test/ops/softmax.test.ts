import { describe, expect, it } from 'vitest';
import { F, tensor, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectValues } from '../helpers/expect-values.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const ops = { softmax: F.softmax, log_softmax: F.logSoftmax } as const;

describe('softmax and logSoftmax match the golden fixtures', () => {
  for (const c of loadCases('softmax')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = ops[c.op as keyof typeof ops](input, c.params.dim as number);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

/** Float64 softmax (or log-softmax) of `data` with `shape` along `dim`. */
function reference(data: ArrayLike<number>, shape: number[], dim: number, log: boolean): number[] {
  const n = shape[dim]!;
  const inner = shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  const outer = data.length / (n * inner);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * n + k) * inner + i;
      let peak = -Infinity;
      for (let k = 0; k < n; k++) peak = Math.max(peak, data[at(k)]!);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(data[at(k)]! - peak);
      for (let k = 0; k < n; k++) out[at(k)] = log ? data[at(k)]! - peak - Math.log(sum) : Math.exp(data[at(k)]! - peak) / sum;
    }
  }
  return out;
}

function expectClose(got: Tensor, want: number[], tolerance: number): void {
  const values = got.toFloat32Array();
  want.forEach((w, i) => expect(Math.abs(values[i]! - w), `element ${i}: ${values[i]} vs ${w}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(w))));
}

const values = (count: number, scale = 3) => Array.from({ length: count }, (_, i) => scale * Math.sin(1.3 * i + 0.5));

describe('softmax over any dimension', () => {
  // Shapes whose reduced dimension is not the last, with inner sizes that fill whole and partial
  // four-lane blocks, and a long last dimension that is not a multiple of four.
  const cases: { shape: number[]; dim: number }[] = [
    { shape: [5, 3], dim: 0 },
    { shape: [4, 9], dim: 0 },
    { shape: [2, 5, 6], dim: 1 },
    { shape: [3, 4, 2, 5], dim: -2 },
    { shape: [3, 37], dim: -1 },
  ];
  for (const { shape, dim } of cases) {
    const data = values(shape.reduce((p, d) => p * d, 1));
    const axis = dim < 0 ? dim + shape.length : dim;
    it(`forward values for shape [${shape}] over dim ${dim}`, () => {
      expectClose(F.softmax(tensor(data, shape), dim), reference(data, shape, axis, false), 2e-6);
      expectClose(F.logSoftmax(tensor(data, shape), dim), reference(data, shape, axis, true), 2e-6);
    });
    it(`gradients for shape [${shape}] over dim ${dim} match finite differences`, () => {
      expectGradientsMatchFiniteDifferences((x) => F.softmax(x, dim), [{ shape, data }], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.logSoftmax(x, dim), [{ shape, data }], { step: 1e-3 });
    });
  }

  it('every slice along the dimension sums to 1', () => {
    const x = tensor(values(24), [2, 3, 4]);
    const sums = F.softmax(x, 1).sum(1).toFloat32Array();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 6));
  });
});

describe('softmax stability and edge cases', () => {
  it('huge logits neither overflow nor give NaN', () => {
    const x = tensor([[1000, 0, -1000], [-5000, -5001, -5002]]);
    expect(Array.from(F.softmax(x).toFloat32Array().slice(0, 3))).toEqual([1, 0, 0]);
    expectClose(F.logSoftmax(x), reference([1000, 0, -1000, -5000, -5001, -5002], [2, 3], 1, true), 1e-6);
  });

  it('a single element gives 1 (and log 0), with zero gradient', () => {
    const x = tensor([[3.5]], undefined, { requiresGrad: true });
    const y = F.softmax(x);
    expect(y.item()).toBe(1);
    expect(F.logSoftmax(x).item()).toBe(0);
    y.backward(tensor([[2]]));
    expect(x.grad!.item()).toBe(0);
  });

  it('names the op when dim is out of range', () => {
    expect(() => F.softmax(tensor([[1, 2]]), 2)).toThrow(/softmax: dim 2 is out of range for a tensor with 2 dimensions/);
    expect(() => F.logSoftmax(tensor([1, 2]), -2)).toThrow(/logSoftmax: dim -2 is out of range/);
  });
});

describe('softmax and logSoftmax with -Infinity, +Infinity and NaN give what PyTorch gives', () => {
  // Every expected value below is from PyTorch 1.13 (torch.softmax / torch.log_softmax, float32)
  // on the same input and upstream gradient.
  const masked = [[0, -Infinity, 1, 2, -Infinity, 0.5], [-Infinity, 3, -Infinity, -1, 0, -Infinity], [1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]];
  const upstream = (rows: number) => tensor(
    [1, 2, -1].slice(0, rows).map((scale) => Array.from({ length: 6 }, (_, i) => scale * Math.fround(Math.sin(1.3 * i + 0.2)))),
  );
  const run = (op: (x: Tensor, dim: number) => Tensor, dim: number, rows: number[][] = masked) => {
    const x = tensor(rows, undefined, { requiresGrad: true });
    const y = op(x, dim);
    y.backward(upstream(rows.length));
    return { y, grad: x.grad };
  };

  it('softmax along rows gives masked classes probability 0 and gradient 0', () => {
    const { y, grad } = run(F.softmax, 1);
    expectValues(y, [
      0.07839412242174149, 0, 0.21309731900691986, 0.5792585611343384, 0, 0.12925006449222565,
      0, 0.9362395405769348, 0, 0.01714782603085041, 0.04661262035369873, 0,
      1, 0, 0, 0, 0, 0,
    ], 'softmax');
    expectValues(grad, [
      0.04181361198425293, 0, 0.1427103579044342, -0.28011181950569153, 0, 0.0955878496170044,
      0, 0.21281276643276215, 0, -0.058375284075737, -0.15443754196166992, 0,
      0, 0, 0, 0, 0, 0,
    ], 'gradient');
  });

  it('softmax along columns (the strided kernel path) does the same', () => {
    const { y, grad } = run(F.softmax, 0);
    expectValues(y, [
      0.2689414322376251, 0, 1, 0.9525741338729858, 0, 1,
      0, 1, 0, 0.04742587357759476, 1, 0,
      0.7310585975646973, 0, 0, 0, 0, 0,
    ], 'softmax');
    expectValues(grad, [
      0.07812152802944183, 0, 0, 0.03696703165769577, 0, 0,
      0, 0, 0, -0.03696702793240547, 0, 0,
      -0.07812152057886124, 0, 0, 0, 0, 0,
    ], 'gradient');
  });

  it('logSoftmax along rows gives masked classes -Infinity and passes their upstream gradient through', () => {
    const { y, grad } = run(F.logSoftmax, 1);
    expectValues(y, [
      -2.546006441116333, -Infinity, -1.546006441116333, -0.5460063815116882, -Infinity, -2.046006441116333,
      -Infinity, -0.06588391214609146, -Infinity, -4.065884113311768, -3.0658838748931885, -Infinity,
      0, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity,
    ], 'logSoftmax');
    expectValues(grad, [
      0.17162643373012543, 0.9974949955940247, 0.2614779472351074, -1.0180985927581787, -0.7727645039558411, 0.36026373505592346,
      0.3973386585712433, 1.3490581512451172, 0.6699762940406799, -1.648384928703308, -1.5776880979537964, 0.8096998333930969,
      0.14629144966602325, -0.9974949955940247, -0.33498814702033997, 0.81827712059021, 0.7727645039558411, -0.40484991669654846,
    ], 'gradient');
  });

  it('logSoftmax along columns does the same', () => {
    const { y, grad } = run(F.logSoftmax, 0);
    expectValues(y, [
      -1.31326162815094, -Infinity, 0, -0.04858732968568802, -Infinity, 0,
      -Infinity, 0, -Infinity, -3.0485873222351074, 0, -Infinity,
      -0.31326165795326233, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity,
    ], 'logSoftmax');
    expectValues(grad, [
      0.0918084904551506, 0.9974949955940247, -0.33498820662498474, 0.7406620979309082, -0.7727645039558411, -0.40484997630119324,
      0.3973386585712433, 0, 0.6699762940406799, -1.5589392185211182, 0, 0.8096998333930969,
      -0.4891471862792969, -0.9974949955940247, -0.33498814702033997, 0.81827712059021, 0.7727645039558411, -0.40484991669654846,
    ], 'gradient');
  });

  it('gives NaN, forward and backward, for a line that is all -Infinity or holds +Infinity or NaN, and leaves the others alone', () => {
    const rows = [[-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity], [0, Infinity, 1, 0, 0, 0], [0, 1, 2, 3, NaN, 5]];
    const nanRow = [NaN, NaN, NaN, NaN, NaN, NaN];
    for (const op of [F.softmax, F.logSoftmax]) {
      const { y, grad } = run(op, 1, rows);
      expectValues(y, [...nanRow, ...nanRow, ...nanRow], `${op.name} along rows`);
      expectValues(grad, [...nanRow, ...nanRow, ...nanRow], `${op.name} gradient along rows`);
      const columns = run(op, 0, [[-Infinity, 0, 1, 2, 3, 4], [-Infinity, 1, 1, 2, 3, 4]]);
      const finite = op === F.softmax ? [0.2689414322376251, 0.5, 0.5, 0.5, 0.5] : [-1.31326162815094, -0.6931471824645996, -0.6931471824645996, -0.6931471824645996, -0.6931471824645996];
      const second = op === F.softmax ? [0.7310585975646973, 0.5, 0.5, 0.5, 0.5] : [-0.31326165795326233, -0.6931471824645996, -0.6931471824645996, -0.6931471824645996, -0.6931471824645996];
      expectValues(columns.y, [NaN, ...finite, NaN, ...second], `${op.name} along columns`);
      const columnGrad = Array.from(columns.grad!.toFloat32Array());
      expect(columnGrad.map((g, i) => (i % 6 === 0 ? Number.isNaN(g) : Number.isFinite(g))), `${op.name} gradient along columns`).toEqual(new Array<boolean>(12).fill(true));
    }
  });
});

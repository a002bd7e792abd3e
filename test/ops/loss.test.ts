import { describe, expect, it } from 'vitest';
import { F, memory, noGrad, tensor, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureCase } from '../helpers/fixtures.js';
import { expectValues } from '../helpers/expect-values.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

type Reduction = 'mean' | 'sum' | 'none';

// Each class loss takes its targets in a different accepted form: number[], Tensor, Int32Array.
const lossOf: Record<string, (c: FixtureCase, input: Tensor) => Tensor> = {
  mse_loss: (c, x) => F.mseLoss(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c) }),
  l1_loss: (c, x) => F.l1Loss(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c) }),
  smooth_l1_loss: (c, x) => F.smoothL1Loss(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c), beta: c.params.beta as number }),
  huber_loss: (c, x) => F.huberLoss(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c), delta: c.params.delta as number }),
  binary_cross_entropy: (c, x) => F.binaryCrossEntropy(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c) }),
  binary_cross_entropy_with_logits: (c, x) => F.binaryCrossEntropyWithLogits(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c) }),
  cross_entropy: (c, x) => F.crossEntropy(x, c.inputs.target!.data, { reduction: reductionOf(c), labelSmoothing: c.params.label_smoothing as number }),
  nll_loss: (c, x) => F.nllLoss(x, fromFixture(c.inputs.target!), { reduction: reductionOf(c) }),
  multi_margin_loss: (c, x) => F.multiMarginLoss(x, Int32Array.from(c.inputs.target!.data), { reduction: reductionOf(c), margin: c.params.margin as number, p: c.params.p as 1 }),
};

function reductionOf(c: FixtureCase): Reduction {
  return c.params.reduction as Reduction;
}

function values(t: Tensor): number[] {
  return Array.from(t.toFloat32Array());
}

describe('losses match the golden fixtures', () => {
  for (const c of loadCases('loss')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const loss = lossOf[c.op]!(c, input);
      expectCloseToFixture(loss, c.output, 'loss');
      loss.backward();
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

const wave = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('loss gradients match finite differences for every reduction', () => {
  const reductions: Reduction[] = ['mean', 'sum', 'none'];
  // |input - target| stays clear of 0 and of 1 (the quadratic/linear switch) by more than the step.
  const input = { shape: [3, 4], data: wave(12, (i) => 0.4 * i - 2.1 + (i % 3) * 0.05) };
  const targetValues = wave(12, (i) => Math.round(Math.cos(i) * 10) / 10);

  for (const reduction of reductions) {
    it(`regression losses, reduction '${reduction}'`, () => {
      const target = tensor(targetValues, [3, 4]);
      expectGradientsMatchFiniteDifferences((x) => F.mseLoss(x, target, { reduction }), [input], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.l1Loss(x, target, { reduction }), [input], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.smoothL1Loss(x, target, { reduction, beta: 0.75 }), [input], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.huberLoss(x, target, { reduction, delta: 1.5 }), [input], { step: 1e-3 });
    });

    it(`binary losses, reduction '${reduction}'`, () => {
      const probabilities = { shape: [2, 5], data: wave(10, (i) => 0.05 + 0.09 * i) };
      const soft = tensor(wave(10, (i) => (i % 4) / 3), [2, 5]);
      const weight = tensor([0.5, 1, 2, 1.5, 0.25]);
      expectGradientsMatchFiniteDifferences((x) => F.binaryCrossEntropy(x, soft, { reduction }), [probabilities], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.binaryCrossEntropy(x, soft, { reduction, weight }), [probabilities], { step: 1e-3 });
      const logits = { shape: [2, 5], data: wave(10, (i) => 1.7 * i - 8) };
      expectGradientsMatchFiniteDifferences((x) => F.binaryCrossEntropyWithLogits(x, soft, { reduction }), [logits], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.binaryCrossEntropyWithLogits(x, soft, { reduction, posWeight: weight }), [logits], { step: 1e-3 });
      const signs = tensor(wave(10, (i) => (i % 3 === 0 ? -1 : 1)), [2, 5]);
      expectGradientsMatchFiniteDifferences((x) => F.hingeLoss(x, signs, { reduction }), [{ shape: [2, 5], data: wave(10, (i) => 0.37 * i - 1.65) }], { step: 1e-3 });
    });

    it(`class losses, reduction '${reduction}'`, () => {
      const scores = { shape: [4, 6], data: wave(24, (i) => 2 * Math.sin(1.3 * i + 0.2)) };
      const classes = [2, 0, 5, 3];
      expectGradientsMatchFiniteDifferences((x) => F.crossEntropy(x, classes, { reduction }), [scores], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.crossEntropy(x, classes, { reduction, labelSmoothing: 0.2 }), [scores], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.crossEntropy(x, [2, -100, 5, 3], { reduction, labelSmoothing: 0.1 }), [scores], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.nllLoss(x, classes, { reduction }), [scores], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.multiMarginLoss(x, classes, { reduction }), [scores], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.multiMarginLoss(x, classes, { reduction, p: 2, margin: 0.5 }), [scores], { step: 1e-3 });
    });
  }
});

describe('loss values', () => {
  it("'none' returns the per-element or per-sample losses that 'mean' and 'sum' reduce", () => {
    const input = tensor([[0.5, -1], [2, 0.25]]);
    const target = tensor([[1, 1], [-1, 0.25]]);
    expect(values(F.mseLoss(input, target, { reduction: 'none' }))).toEqual([0.25, 4, 9, 0]);
    expect(F.mseLoss(input, target, { reduction: 'sum' }).item()).toBe(13.25);
    expect(F.mseLoss(input, target).item()).toBe(3.3125);
    const perSample = F.crossEntropy(input, [0, 1], { reduction: 'none' });
    expect(perSample.shape).toEqual([2]);
    const [first, second] = values(perSample);
    expect(first).toBeCloseTo(Math.log(Math.exp(0.5) + Math.exp(-1)) - 0.5, 6);
    expect(second).toBeCloseTo(Math.log(Math.exp(2) + Math.exp(0.25)) - 0.25, 6);
    expect(F.crossEntropy(input, [0, 1]).item()).toBeCloseTo((first! + second!) / 2, 6);
  });

  it('ignores samples whose target is ignoreIndex, also in the mean', () => {
    const logits = tensor([[1, 2, 3], [0.5, 0.1, -1], [2, -2, 0]]);
    const kept = tensor([[1, 2, 3], [2, -2, 0]]);
    expect(F.crossEntropy(logits, [2, -100, 0]).item()).toBeCloseTo(F.crossEntropy(kept, [2, 0]).item(), 6);
    expect(F.crossEntropy(logits, [2, 1, 0], { ignoreIndex: 1 }).item()).toBeCloseTo(F.crossEntropy(kept, [2, 0]).item(), 6);
    expect(values(F.nllLoss(logits, [2, -100, 0], { reduction: 'none' }))).toEqual([-3, 0, -2]);
  });

  it('gives NaN for the mean when every sample is ignored, as PyTorch does, and no gradient', () => {
    const logits = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const loss = F.crossEntropy(logits, [-100, -100]);
    expect(loss.item()).toBeNaN();
    loss.backward();
    expect(values(logits.grad!)).toEqual([0, 0, 0, 0]);
    expect(F.crossEntropy(logits, [-100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  it('smooth L1 with beta 0 is the L1 loss, and Huber is delta times smooth L1 with beta delta', () => {
    const input = tensor([0.3, -2, 4, 1.2]);
    const target = tensor([0, 0.5, 1, 1]);
    expect(values(F.smoothL1Loss(input, target, { beta: 0, reduction: 'none' }))).toEqual(values(F.l1Loss(input, target, { reduction: 'none' })));
    const huber = values(F.huberLoss(input, target, { delta: 2, reduction: 'none' }));
    const smooth = values(F.smoothL1Loss(input, target, { beta: 2, reduction: 'none' }));
    huber.forEach((h, i) => expect(h).toBeCloseTo(2 * smooth[i]!, 6));
  });

  it('hinge is the mean of max(0, 1 - target * input)', () => {
    expect(F.hingeLoss(tensor([0.5, -2, 3, 4]), tensor([1, 1, -1, 1])).item()).toBe((0.5 + 3 + 4 + 0) / 4);
  });

  it('binary cross-entropy clamps each log at -100, and the logits form never overflows', () => {
    expect(values(F.binaryCrossEntropy(tensor([0, 1, 0]), tensor([1, 0, 0]), { reduction: 'none' }))).toEqual([100, 100, 0]);
    const fromLogits = values(F.binaryCrossEntropyWithLogits(tensor([100, -100, 100]), tensor([0, 1, 1]), { reduction: 'none' }));
    [100, 100, 0].forEach((want, i) => expect(fromLogits[i]).toBeCloseTo(want, 6));
  });

  it('weights binary cross-entropy per label, and posWeight only the positive term', () => {
    const p = tensor([[0.25, 0.5], [0.75, 0.5]]);
    const y = tensor([[1, 0], [0, 1]]);
    const weighted = values(F.binaryCrossEntropy(p, y, { weight: tensor([2, 3]), reduction: 'none' }));
    [2 * -Math.log(0.25), 3 * -Math.log(0.5), 2 * -Math.log(0.25), 3 * -Math.log(0.5)].forEach((want, i) => expect(weighted[i]).toBeCloseTo(want, 5));
    const logits = tensor([[0.5, -1]]);
    const positive = values(F.binaryCrossEntropyWithLogits(logits, tensor([[1, 0]]), { posWeight: tensor([4, 4]), reduction: 'none' }));
    expect(positive[0]).toBeCloseTo(4 * Math.log1p(Math.exp(-0.5)), 5);
    expect(positive[1]).toBeCloseTo(Math.log1p(Math.exp(-1)), 5);
  });

  it('sends no gradient to the target', () => {
    const input = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const target = tensor([0, 2, 5], undefined, { requiresGrad: true });
    F.mseLoss(input, target).backward();
    expect(values(input.grad!).map((v) => +v.toFixed(6))).toEqual([0.666667, 0, -1.333333]);
    expect(target.grad).toBeNull();
  });
});

describe('crossEntropy with -Infinity logits (masked classes) gives what PyTorch gives', () => {
  // Every expected value below is from PyTorch 1.13 (torch.nn.functional.cross_entropy, float32)
  // on the same logits and targets; gradients are of the loss, or of sum(loss * [1, -2, 0.5])
  // for reduction 'none'.
  const masked = [[0, -Infinity, 1, 2, -Infinity, 0.5], [-Infinity, 3, -Infinity, -1, 0, -Infinity], [1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]];
  const logits = (rows: number[][] = masked) => tensor(rows, undefined, { requiresGrad: true });
  const upstreamPerSample = () => tensor([1, -2, 0.5]);

  it('masks a class: [[0, -Infinity, 1]] with target 0 gives loss 1.3133 and gradient [-0.731, 0, 0.731]', () => {
    const x = logits([[0, -Infinity, 1]]);
    const loss = F.crossEntropy(x, [0]);
    expectValues(loss, [1.31326162815094], 'loss');
    loss.backward();
    expectValues(x.grad, [-0.7310585975646973, 0, 0.7310585975646973], 'gradient');
  });

  it("matches for 'none', 'sum' and 'mean', with masks in the vector part and the tail of a row", () => {
    const rowGrads = [0.07839411497116089, 0, -0.7869027256965637, 0.5792585611343384, 0, 0.12925003468990326];
    const x = logits();
    const none = F.crossEntropy(x, [2, 1, 0], { reduction: 'none' });
    expectValues(none, [1.546006441116333, 0.06588391214609146, 0], 'none');
    none.backward(upstreamPerSample());
    expectValues(x.grad, [...rowGrads, 0, 0.12752091884613037, 0, -0.034295644611120224, -0.09322524815797806, 0, 0, 0, 0, 0, 0, 0], 'none gradient');
    const y = logits();
    const sum = F.crossEntropy(y, [2, 1, 0], { reduction: 'sum' });
    expectValues(sum, [1.6118903160095215], 'sum');
    sum.backward();
    expectValues(y.grad, [...rowGrads, 0, -0.06376045942306519, 0, 0.017147822305560112, 0.04661262407898903, 0, 0, 0, 0, 0, 0, 0], 'sum gradient');
    const z = logits();
    const mean = F.crossEntropy(z, [2, 1, 0]);
    expectValues(mean, [0.5372967720031738], 'mean');
    mean.backward();
    expectValues(z.grad, [...rowGrads.map((g) => g / 3), 0, -0.021253487095236778, 0, 0.0057159410789608955, 0.01553754135966301, 0, 0, 0, 0, 0, 0, 0], 'mean gradient');
  });

  it('gives +Infinity with label smoothing (the smoothing term takes every log-probability) and a finite gradient', () => {
    const x = logits();
    const loss = F.crossEntropy(x, [2, 1, 0], { labelSmoothing: 0.2, reduction: 'none' });
    expectValues(loss, [Infinity, Infinity, Infinity], 'loss');
    loss.backward(upstreamPerSample());
    expectValues(x.grad, [
      0.045060791075229645, -0.03333333507180214, -0.6202360391616821, 0.5459253191947937, -0.03333333507180214, 0.09591671824455261,
      0.06666667014360428, -0.20581255853176117, 0.06666667014360428, 0.032371021807193756, -0.026558589190244675, 0.06666667014360428,
      0.08333337306976318, -0.01666666753590107, -0.01666666753590107, -0.01666666753590107, -0.01666666753590107, -0.01666666753590107,
    ], 'gradient');
  });

  it('gives +Infinity when the target itself is masked, with the gradient PyTorch gives', () => {
    const x = logits();
    const loss = F.crossEntropy(x, [1, 3, 0], { reduction: 'none' });
    expectValues(loss, [Infinity, 4.065884113311768, 0], 'loss');
    loss.backward(upstreamPerSample());
    expectValues(x.grad, [
      0.07839411497116089, -1, 0.21309728920459747, 0.5792585611343384, 0, 0.12925003468990326,
      0, -1.8724790811538696, 0, 1.965704321861267, -0.09322524815797806, 0,
      0, 0, 0, 0, 0, 0,
    ], 'gradient');
  });

  it('gives NaN for a row that is all -Infinity, and NaN gradients in that row only', () => {
    const x = logits([masked[0]!.map(() => -Infinity), masked[1]!]);
    const loss = F.crossEntropy(x, [0, 1], { reduction: 'none' });
    expectValues(loss, [NaN, 0.06588391214609146], 'loss');
    loss.backward(tensor([1, 1]));
    expectValues(x.grad, [NaN, NaN, NaN, NaN, NaN, NaN, 0, -0.06376045942306519, 0, 0.017147822305560112, 0.04661262407898903, 0], 'gradient');
    expect(F.crossEntropy(x, [0, 1]).item()).toBeNaN();
  });

  it('skips an ignored sample whatever its logits, even a row that is all -Infinity', () => {
    const x = logits();
    const loss = F.crossEntropy(x, [2, -100, 0]);
    expectValues(loss, [0.7730032205581665], 'loss');
    loss.backward();
    expectValues(x.grad, [0.039197057485580444, 0, -0.39345136284828186, 0.2896292805671692, 0, 0.06462501734495163, ...new Array<number>(12).fill(0)], 'gradient');
    // PyTorch's gradient for an ignored all -Infinity row is NaN (log_softmax's backward
    // multiplies its NaN by the zero gradient); an ignored sample contributes nothing here.
    const allMasked = logits([masked[0]!, masked[0]!.map(() => -Infinity)]);
    const skipped = F.crossEntropy(allMasked, [2, -100]);
    expectValues(skipped, [1.546006441116333], 'loss with an ignored all -Infinity row');
    skipped.backward();
    expectValues(allMasked.grad, [0.07839411497116089, 0, -0.7869027256965637, 0.5792585611343384, 0, 0.12925003468990326, 0, 0, 0, 0, 0, 0], 'gradient with an ignored all -Infinity row');
  });

  it('nllLoss of logSoftmax takes -Infinity log-probabilities and equals crossEntropy', () => {
    const x = logits();
    const loss = F.nllLoss(F.logSoftmax(x, 1), [2, 1, 0]);
    expectValues(loss, [0.5372967720031738], 'loss');
    loss.backward();
    expectValues(x.grad, [
      0.026131372898817062, 0, -0.26230090856552124, 0.1930861920118332, 0, 0.043083347380161285,
      0, -0.021253487095236778, 0, 0.0057159410789608955, 0.01553754135966301, 0,
      0, 0, 0, 0, 0, 0,
    ], 'gradient');
  });

  it('still refuses NaN and +Infinity logits, which mean training diverged', () => {
    expect(() => F.crossEntropy(tensor([[0, -Infinity, Infinity]]), [0])).toThrow(
      /crossEntropy: input \[1, 3\] contains 1 NaN\/\+Infinity value\(s\) \(the first, Infinity, at \[0, 2\]\); .*lower the learning rate.*-Infinity is allowed: it masks a class/,
    );
    expect(() => F.nllLoss(tensor([[NaN, -Infinity]]), [1])).toThrow(/nllLoss: input \[1, 2\] contains 1 NaN\/\+Infinity value\(s\) \(the first, NaN, at \[0, 0\]\)/);
    expect(() => F.multiMarginLoss(tensor([[0, -Infinity]]), [0])).toThrow(/multiMarginLoss: input \[1, 2\] contains 1 NaN\/Infinity value\(s\) \(the first, -Infinity, at \[0, 1\]\)/);
  });
});

describe('loss errors say what is wrong and how to fix it', () => {
  it('rejects input and target shapes that differ', () => {
    expect(() => F.mseLoss(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4, 5, 6]))).toThrow(
      /mseLoss: input \[2, 3\] and target \[6\] differ in shape; reshape the target: target.reshape\(\[2, 3\]\)/,
    );
    expect(() => F.l1Loss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/l1Loss: input \[2\] and target \[3\] differ in shape \(2 vs 3 elements\); pass one target value per input element/);
  });

  it('rejects class indices out of range or not integers, naming the sample and the value', () => {
    const logits = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => F.crossEntropy(logits, [0, 3])).toThrow(/crossEntropy: target of sample 1 is class 3, out of range for input \[2, 3\] with 3 classes; class indices must be in \[0, 3\) \(or ignoreIndex -100 to skip a sample\)/);
    expect(() => F.nllLoss(logits, tensor([-1, 0]))).toThrow(/nllLoss: target of sample 0 is class -1, out of range/);
    expect(() => F.multiMarginLoss(logits, [0, 1.5])).toThrow(/multiMarginLoss: target of sample 1 is 1.5, not an integer class index; targets must be whole numbers in \[0, 3\)/);
    expect(() => F.multiMarginLoss(logits, [0, -100])).toThrow(/multiMarginLoss: target of sample 1 is class -100, out of range .*must be in \[0, 3\)\./);
  });

  it('rejects a number of targets other than N, and one-hot targets', () => {
    const logits = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => F.crossEntropy(logits, Int32Array.of(0))).toThrow(/crossEntropy: got 1 targets for input \[2, 3\]; pass one class index per sample \(2\)/);
    expect(() => F.crossEntropy(logits, tensor([[1, 0, 0], [0, 1, 0]]))).toThrow(/crossEntropy: target has shape \[2, 3\].*pass their argmax per sample/);
    expect(() => F.crossEntropy(tensor([1, 2, 3]), [0])).toThrow(/crossEntropy: input must be \[N, C\].*got \[3\]/);
  });

  it('rejects NaN or Infinity, saying how many and where, and suggests a lower learning rate', () => {
    const diverged = tensor([[1, 2], [NaN, Infinity]]);
    expect(() => F.crossEntropy(diverged, [0, 1])).toThrow(/crossEntropy: input \[2, 2\] contains 2 NaN\/\+Infinity value\(s\) \(the first, NaN, at \[1, 0\]\); .*lower the learning rate/);
    expect(() => F.mseLoss(tensor([1, 2, 3]), tensor([0, -Infinity, 1]))).toThrow(/mseLoss: target \[3\] contains 1 NaN\/Infinity value\(s\) \(the first, -Infinity, at \[1\]\); .*check it for missing or corrupt values/);
  });

  it('rejects binary cross-entropy inputs outside [0, 1] and hinge targets other than ±1', () => {
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5, -0.25]), tensor([1, 0, 1]))).toThrow(
      /binaryCrossEntropy: input \[3\] has 2 value\(s\) outside \[0, 1\] \(the first, 1.5, at \[1\]\); it expects probabilities. Apply sigmoid\(\) first, or pass the raw scores to binaryCrossEntropyWithLogits/,
    );
    expect(() => F.hingeLoss(tensor([0.5, 2]), tensor([1, 0]))).toThrow(/hingeLoss: target \[2\] has 1 value\(s\) that are not -1 or 1 \(the first, 0, at \[1\]\); .*target.mul\(2\).sub\(1\)/);
  });

  it('rejects bad options', () => {
    const x = tensor([[1, 2]]);
    expect(() => F.mseLoss(x, x, { reduction: 'avg' as 'mean' })).toThrow(/mseLoss: reduction 'avg' is not one of 'mean', 'sum', 'none'/);
    expect(() => F.crossEntropy(x, [0], { labelSmoothing: 1.5 })).toThrow(/crossEntropy: labelSmoothing must be in \[0, 1\], got 1.5/);
    expect(() => F.multiMarginLoss(x, [0], { p: 3 as 1 })).toThrow(/multiMarginLoss: p must be 1 or 2, got 3/);
    expect(() => F.huberLoss(x, x, { delta: 0 })).toThrow(/huberLoss: delta must be a finite number > 0, got 0/);
    expect(() => F.binaryCrossEntropy(tensor([[0.5, 0.5, 0.5]]), tensor([[1, 0, 1]]), { weight: tensor([1, 2]) })).toThrow(/binaryCrossEntropy: weight \[2\] does not repeat over input \[1, 3\]/);
  });

  it('frees everything it allocated when it throws', () => {
    const probabilities = tensor([0.5, 1.5], undefined, { requiresGrad: true });
    const logits = tensor([[1, 2]], undefined, { requiresGrad: true });
    const before = memory();
    expect(() => F.binaryCrossEntropy(probabilities, tensor([1, 0]))).toThrow(/outside \[0, 1\]/);
    expect(() => F.crossEntropy(logits, [5])).toThrow(/out of range/);
    const after = memory();
    // Only the targets tensor([1, 0]) is left; where the allocator put it (a free block, or the top) is its own choice.
    expect(after).toEqual({ ...before, tensors: before.tensors + 1, bytes: before.bytes + 64, blocks: before.blocks + 1, largestFreeBlock: after.largestFreeBlock });
    expect(after.largestFreeBlock).toBeGreaterThanOrEqual(before.largestFreeBlock - 64);
  });
});

describe('loss memory', () => {
  it('stays flat over 2,000 crossEntropy forward and backward steps', () => {
    const logits = tensor(wave(32 * 10, (i) => Math.sin(i)), [32, 10], { requiresGrad: true });
    const classes = wave(32, (i) => (i * 7) % 10);
    const step = () => {
      const loss = F.crossEntropy(logits, classes, { labelSmoothing: 0.1 });
      loss.backward();
      loss.dispose();
    };
    for (let i = 0; i < 5; i++) step();
    const settled = memory();
    for (let i = 0; i < 2000; i++) step();
    expect(memory()).toEqual(settled);
  });

  it('frees the class-index scratch at once when no gradient is recorded', () => {
    const logits = tensor([[1, 2, 3]], undefined, { requiresGrad: true });
    const before = memory();
    const loss = noGrad(() => F.crossEntropy(logits, [1]));
    expect(loss.gradFn).toBeNull();
    loss.dispose();
    expect(memory()).toEqual(before);
  });
});

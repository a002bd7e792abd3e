import { expect } from 'vitest';
import { noGrad, tensor, tidy, type nn, type Tensor } from 'simdgrad';

export interface GradCheckOptions {
  /** Step of the central difference. */
  step?: number;
  /** Allowed |numeric - analytic| relative to max(1, max|analytic|). */
  tolerance?: number;
}

/**
 * Compares the gradients backward() gives for `inputs` with central differences of
 * sum(fn(inputs) * upstream), evaluated in float64 from float32 results.
 */
export function expectGradientsMatchFiniteDifferences(fn: (...inputs: Tensor[]) => Tensor, inputValues: { shape: number[]; data: ArrayLike<number> }[], options: GradCheckOptions = {}): void {
  const step = options.step ?? 1e-2;
  const tolerance = options.tolerance ?? 2e-2;
  const inputs = inputValues.map((v) => tensor(Float32Array.from(v.data), v.shape, { requiresGrad: true }));
  const out = fn(...inputs);
  const upstreamValues = Float32Array.from({ length: out.size }, (_, i) => Math.sin(1.7 * i + 0.3));
  const upstream = tensor(upstreamValues, [...out.shape]);
  out.backward(upstream);
  const objective = (values: Float32Array[]): number =>
    noGrad(() => {
      const trial = values.map((v, i) => tensor(v, inputValues[i]!.shape));
      const result = fn(...trial).toFloat32Array();
      trial.forEach((t) => t.dispose());
      let total = 0;
      result.forEach((r, i) => (total += r * upstreamValues[i]!));
      return total;
    });
  inputs.forEach((input, which) => {
    const analytic = input.grad?.toFloat32Array();
    expect(analytic, `input ${which} got no gradient`).toBeTruthy();
    const base = inputValues.map((v) => Float32Array.from(v.data));
    const scale = Math.max(1, ...Array.from(analytic!, Math.abs));
    for (let i = 0; i < base[which]!.length; i++) {
      const original = base[which]![i]!;
      base[which]![i] = original + step;
      const plus = objective(base);
      base[which]![i] = original - step;
      const minus = objective(base);
      base[which]![i] = original;
      const numeric = (plus - minus) / (2 * step);
      expect(Math.abs(numeric - analytic![i]!), `input ${which}[${i}]: numeric ${numeric} vs analytic ${analytic![i]}`).toBeLessThanOrEqual(tolerance * scale);
    }
  });
}

/**
 * The same comparison for a module's parameters: backward() of the scalar `objective()` gives the
 * analytic gradients; each parameter entry is then moved by ±step (through loadStateDict, as a
 * user would) and the objective re-evaluated without gradients.
 */
export function expectParameterGradientsMatchFiniteDifferences(module: nn.Module<any[], unknown>, objective: () => Tensor, options: GradCheckOptions = {}): void {
  const step = options.step ?? 1e-2;
  const tolerance = options.tolerance ?? 2e-2;
  module.zeroGrad();
  objective().backward();
  const evaluate = (): number => tidy(() => noGrad(() => objective().item()));
  for (const [name, parameter] of module.namedParameters()) {
    const analytic = parameter.grad?.toFloat32Array();
    expect(analytic, `${name} got no gradient`).toBeTruthy();
    const values = parameter.toFloat32Array();
    const scale = Math.max(1, ...Array.from(analytic!, Math.abs));
    const load = (): void => {
      const replacement = tensor(values, [...parameter.shape]);
      module.loadStateDict({ [name]: replacement }, { strict: false });
      replacement.dispose();
    };
    for (let i = 0; i < values.length; i++) {
      const original = values[i]!;
      values[i] = original + step;
      load();
      const plus = evaluate();
      values[i] = original - step;
      load();
      const minus = evaluate();
      values[i] = original;
      load();
      const numeric = (plus - minus) / (2 * step);
      expect(Math.abs(numeric - analytic![i]!), `${name}[${i}]: numeric ${numeric} vs analytic ${analytic![i]}`).toBeLessThanOrEqual(tolerance * scale);
    }
  }
}

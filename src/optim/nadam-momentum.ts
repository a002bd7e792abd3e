// NAdam's momentum schedule, apart from the optimizer so that the torch-format state mapping can
// derive PyTorch's mu_product without importing the optimizer classes.

/** The momentum coefficient of step t. */
export function nadamMomentum(step: number, beta1: number, momentumDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}

/** A product of the coefficients of steps 1..step, to continue from. */
export interface MomentumProduct {
  step: number;
  product: number;
}

/**
 * @internal The product of the momentum coefficients of steps 1..step: PyTorch's `mu_product`
 * state, which simdgrad derives from the step count rather than storing. Continues from `known`
 * (an earlier product of the same schedule) when it is not past `step`, multiplying in step order
 * as PyTorch accumulates it, so the result is the same either way.
 */
export function nadamMuProduct(step: number, beta1: number, momentumDecay: number, known?: MomentumProduct): number {
  let { step: t, product } = known && known.step <= step ? known : { step: 0, product: 1 };
  while (t < step) product *= nadamMomentum(++t, beta1, momentumDecay);
  return product;
}

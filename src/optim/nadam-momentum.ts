// NAdam's momentum schedule, apart from the optimizer so that the torch-format state mapping can
// derive PyTorch's mu_product without importing the optimizer classes.

/** The momentum coefficient of step t. */
export function nadamMomentum(step: number, beta1: number, momentumDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}

/**
 * @internal The product of the momentum coefficients of steps 1..step: PyTorch's `mu_product`
 * state, which simdgrad derives from the step count rather than storing.
 */
export function nadamMuProduct(step: number, beta1: number, momentumDecay: number): number {
  let product = 1;
  for (let t = 1; t <= step; t++) product *= nadamMomentum(t, beta1, momentumDecay);
  return product;
}

// NAdam's momentum schedule, apart from the optimizer so that the torch-format state mapping can
// derive PyTorch's mu_product without importing the optimizer classes.

/** The momentum coefficient of step t. */
export function nadamMomentum(step: number, beta1: number, momentumDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}

// The last product computed per schedule: parameters step together, so each step extends the
// previous one by one factor instead of multiplying all of them again.
const lastProducts = new Map<string, { step: number; product: number }>();

/**
 * @internal The product of the momentum coefficients of steps 1..step: PyTorch's `mu_product`
 * state, which simdgrad derives from the step count rather than storing. Multiplied in step
 * order from 1, as PyTorch accumulates it, whichever cached product it starts from.
 */
export function nadamMuProduct(step: number, beta1: number, momentumDecay: number): number {
  const key = `${beta1},${momentumDecay}`;
  const cached = lastProducts.get(key);
  let { step: t, product } = cached && cached.step <= step ? cached : { step: 0, product: 1 };
  while (t < step) product *= nadamMomentum(++t, beta1, momentumDecay);
  lastProducts.set(key, { step, product });
  return product;
}

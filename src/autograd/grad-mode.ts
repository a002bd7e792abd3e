let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs fn without recording operations for backward: for evaluation and parameter updates. */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

// Python formatting for extraRepr(), so a printed model reads exactly as PyTorch prints it.

/** A setting as extraRepr() shows it: a number, flag, word, None, or a tuple of sizes. */
export type PythonValue = number | boolean | string | null | readonly (number | null)[];

/**
 * A float as Python's repr writes it (1e-05, 0.1, 1.0, inf): the shortest round-tripping digits,
 * like JavaScript, but exponents from 1e-05 down and 1e+16 up, and always a '.0' on whole numbers.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const power = Number(exponent);
  if (power < -4 || power >= 16) return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  if (Number.isInteger(x)) return `${Object.is(x, -0) ? '-' : ''}${x.toFixed(1)}`;
  return String(x);
}

export function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** A string as Python's repr writes it: 'none', quoted with ' unless only " avoids escaping. */
export function pythonString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`).replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return `${quote}${escaped}${quote}`;
}

/** A tuple as Python writes it: (5, 5), (10,) with the trailing comma of a 1-tuple, (5, None). */
export function pythonTuple(items: readonly (number | null)[]): string {
  const parts = items.map((item) => pythonValue(item));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/**
 * A setting as PyTorch's '{}'.format() prints it: whole numbers as ints, booleans as True and
 * False, null as None, arrays as tuples, strings bare (padding=same). A JavaScript number does
 * not say whether it was an int or a float, so a float setting that may be whole (eps,
 * momentum, p) must go through pythonFloat instead.
 */
export function pythonValue(value: PythonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return pythonBool(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return value;
  return pythonTuple(value);
}

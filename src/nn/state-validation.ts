// The one check of values about to be loaded into a float32 tensor from saved state (module
// and optimizer state dicts, checkpoints), so that every load refuses the same values with the
// same words.

export interface StateValuesProblem {
  /** What is wrong, starting with the subject: "value 3 of the state dict's data is NaN". */
  message: string;
  /** 'layout' for data that is not an array of the right length, 'values' for a value that cannot be loaded. */
  kind: 'layout' | 'values';
}

/** The fix for a 'values' problem, as a sentence. */
export const NON_FINITE_STATE_FIX =
  'Every value must be a finite number that float32 can hold; NaN or Infinity in saved state means training had diverged ' +
  'before it was saved, or the data is corrupt: load an earlier save.';

/**
 * Why `data` cannot be loaded into a float32 tensor of `length` values, or null when it can: it
 * must be an array or typed array of exactly `length` numbers, each finite and within float32's
 * range. NaN and ±Infinity are refused (nobody wants them back in a model; JSON turns them into
 * null, refused too), as are strings (which a typed array would read as NaN), null and holes.
 * `subject` names the data in the message ("the state dict's data"); `lengthRule` says why
 * `length` values are needed ("its shape [2, 3] needs 6").
 */
export function stateValuesProblem(data: unknown, length: number, subject: string, lengthRule: string): StateValuesProblem | null {
  if (!isArrayLike(data)) return { kind: 'layout', message: `${subject} is ${describeKind(data)}, not an array of numbers` };
  if (data.length !== length) return { kind: 'layout', message: `${subject} has ${data.length} values, but ${lengthRule}` };
  const bad = firstUnloadable(data);
  if (bad < 0) return null;
  return { kind: 'values', message: `value ${bad} of ${subject} is ${describeValue(data[bad])}` };
}

function firstUnloadable(data: ArrayLike<unknown>): number {
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
    return -1;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) return i;
  }
  return -1;
}

function isArrayLike(data: unknown): data is ArrayLike<unknown> {
  return Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView));
}

function describeValue(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? `${v}, beyond float32's range (±3.4e38)` : String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}, not a number`;
  if (v === null || v === undefined) return `${String(v)}, not a number`;
  return `${describeKind(v)}, not a number`;
}

/** "null", "undefined", "a string", "an object", "a Map": for the thing where an entry or array was expected. */
export function describeKind(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v !== 'object') return withArticle(typeof v);
  const name = (v as object).constructor?.name;
  return withArticle(name && name !== 'Object' ? name : 'object');
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

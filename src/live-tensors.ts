// Live tensor handles counted by the op that made them, so a leak can be traced to its source
// (memory({ detail: true })) and a loop whose live tensors keep growing is reported once.

export interface LiveTensorsByOp {
  /** The op or factory that made the tensors: 'linear', 'conv2d', 'tensor', 'zeros', ... */
  op: string;
  tensors: number;
  /** Bytes their handles view (a view and its source count separately). */
  bytes: number;
}

interface Tally {
  tensors: number;
  bytes: number;
}

const byOp = new Map<string, Tally>();
let total = 0;

export function countCreated(op: string, bytes: number): void {
  let tally = byOp.get(op);
  if (!tally) byOp.set(op, (tally = { tensors: 0, bytes: 0 }));
  tally.tensors++;
  tally.bytes += bytes;
  total++;
}

export function countReleased(op: string, bytes: number): void {
  const tally = byOp.get(op)!;
  tally.tensors--;
  tally.bytes -= bytes;
  total--;
}

export function liveTensorCount(): number {
  return total;
}

/** Live tensors grouped by the op that made them, most bytes first. */
export function liveTensorsByOp(): LiveTensorsByOp[] {
  return [...byOp].filter(([, t]) => t.tensors > 0).map(([op, t]) => ({ op, ...t })).sort((a, b) => b.bytes - a.bytes || b.tensors - a.tensors);
}

// A loop is "leaking" when, over two windows of this many steps in a row, live tensors grew by
// at least one per two steps. Steps are top-level forward() calls and optimizer steps.
const WINDOW = 256;
let steps = 0;
let windowStart: Map<string, number> | null = null;
let windowStartTotal = 0;
let growingWindows = 0;
let warned = false;

/** Called once per top-level forward() and optimizer.step() outside tidy(). */
export function noteStep(): void {
  if (warned || ++steps % WINDOW !== 0) return;
  const counts = new Map([...byOp].map(([op, t]) => [op, t.tensors]));
  growingWindows = windowStart && total - windowStartTotal >= WINDOW / 2 ? growingWindows + 1 : 0;
  if (growingWindows >= 2) warnOnce(counts);
  windowStart = counts;
  windowStartTotal = total;
}

function warnOnce(counts: Map<string, number>): void {
  warned = true;
  let worst = '';
  let worstGrowth = 0;
  for (const [op, n] of counts) {
    const growth = n - (windowStart!.get(op) ?? 0);
    if (growth > worstGrowth) [worst, worstGrowth] = [op, growth];
  }
  console.warn(
    `simdgrad: memory keeps growing: ${total - windowStartTotal} more tensors are alive than ${WINDOW} steps ago, ` +
      `${worstGrowth} of them made by '${worst}'. Nothing frees a tensor you hold: dispose() each step's outputs and loss ` +
      'when you are done with them, or run the step inside tidy(() => { ... }). memory({ detail: true }) lists live tensors by the op that made them.',
  );
}

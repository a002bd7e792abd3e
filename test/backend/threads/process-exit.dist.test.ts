import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The dist project only (vitest.config.mjs): a fresh node process on the built bundle.
const bundle = new URL('../../../dist/simdgrad.js', import.meta.url).href;

// Trains a few steps on 2 threads and returns from the module without ending anything itself.
const program = `
import { F, getNumThreads, init, nn, optim, rand } from ${JSON.stringify(bundle)};
await init({ threads: 2 });
const model = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 10));
const optimizer = new optim.Adam(model.parameters());
const x = rand([128, 256]);
const target = Array.from({ length: 128 }, (_, i) => i % 10);
for (let step = 0; step < 5; step++) {
  optimizer.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), target);
  loss.backward();
  optimizer.step();
}
console.log(JSON.stringify({ threads: getNumThreads() }));
`;

describe('worker threads and the process', () => {
  it('let a node program that trained on 2 threads exit on its own when its work ends', () => {
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect({ signal: child.signal, status: child.status }).toEqual({ signal: null, status: 0 });
    expect(JSON.parse(child.stdout)).toEqual({ threads: 2 });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

import { rollup, type OutputChunk, type RollupLog } from 'rollup';
import { describe, expect, it } from 'vitest';
import config from '../../rollup.config.mjs';

describe('the rollup build (npm run build:js)', () => {
  it('builds with no warnings (no circular dependency), and only the simdgrad entry reaches the inlined kernels', async () => {
    const warnings: string[] = [];
    const bundle = await rollup({ ...config, onwarn: (warning: RollupLog) => warnings.push(warning.message) });
    const { output } = await bundle.generate(config.output);
    await bundle.close();
    expect(warnings).toEqual([]);
    const chunks = new Map(output.filter((file): file is OutputChunk => file.type === 'chunk').map((chunk) => [chunk.fileName, chunk]));
    const reaches = (fileName: string): string[] => {
      const chunk = chunks.get(fileName)!;
      return [chunk.fileName, ...chunk.imports.filter((file) => chunks.has(file)).flatMap((file) => reaches(file))];
    };
    expect(reaches('simdgrad.js').some((file) => file.startsWith('chunks/inlined-kernels-'))).toBe(true);
    for (const entry of ['slim.js', 'node.js']) expect(reaches(entry).filter((file) => file.startsWith('chunks/inlined-kernels-'))).toEqual([]);
  });
});

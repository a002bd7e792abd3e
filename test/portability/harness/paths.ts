import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: served to the browser and embedded into workerd as it is on disk. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const hostsDir = fileURLToPath(new URL('../hosts/', import.meta.url));

/** A runtime's executable from node_modules/.bin, where its npm package (a devDependency) puts it. */
export function npmBinary(name: 'bun' | 'deno' | 'workerd'): string {
  const path = `${repoRoot}node_modules/.bin/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm install\` without --ignore-scripts (the ${name} devDependency's postinstall links the binary from its platform package).`);
  return path;
}

/** The tests load the bundle as published: fail with the fix when it has not been built. */
export function requireBuiltBundle(): void {
  for (const file of ['dist/simdgrad.js', 'build/simdgrad.wasm', 'build/simdgrad-relaxed.wasm']) {
    if (!existsSync(`${repoRoot}${file}`)) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
}

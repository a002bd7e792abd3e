import { TestRunner } from 'vitest';

/**
 * True in the vitest project named 'dist'. The portability tests start other runtimes on the
 * built bundle, so all three projects (src, dist, relaxed) would run the same thing; they run in
 * 'dist' only, and their suite names say so, so the other projects list them as skipped.
 * Call it at the top level of a test file: the project is the one collecting that file.
 */
export function isDistProject(): boolean {
  return TestRunner.getCurrentSuite().file.projectName === 'dist';
}

import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const snippetPath = `${root}test/.typecheck-snippet.ts`;

/**
 * The TypeScript errors in `code`, type-checked as a user's file importing 'simdgrad' (and
 * 'simdgrad/slim', 'simdgrad/node') from the sources, with the project's compiler options.
 */
export function typeErrors(code: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    rootDir: root,
    baseUrl: root,
    paths: { simdgrad: ['src/index.ts'], 'simdgrad/slim': ['src/slim.ts'], 'simdgrad/node': ['src/node/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => (name === snippetPath ? ts.createSourceFile(name, code, language) : getSourceFile(name, language));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === snippetPath || fileExists(name);
  const program = ts.createProgram([snippetPath], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(snippetPath)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

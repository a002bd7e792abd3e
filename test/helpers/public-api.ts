import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The entries a user imports: 'simdgrad', 'simdgrad/slim', 'simdgrad/node'. */
export const ENTRIES = ['src/index.ts', 'src/slim.ts', 'src/node/index.ts'];

export interface OptionDoc {
  /** e.g. 'optim.AdamHyperParameters.eps' */
  name: string;
  doc: string;
}

/**
 * Every property of every exported interface or type alias named *Options or *HyperParameters
 * that the entries export (through namespaces such as `nn` and `optim` too), with its doc comment.
 */
export function documentedOptions(): OptionDoc[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(ENTRIES.map((entry) => `${root}${entry}`), { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const found = new Map<string, OptionDoc>();
  const visit = (moduleSymbol: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.flags & ts.SymbolFlags.ValueModule && prefix === '') visit(symbol, `${exported.name}.`);
      if (!/(Options|HyperParameters)$/.test(exported.name) || !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
      for (const property of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
        const name = `${prefix}${exported.name}.${property.name}`;
        found.set(name, { name, doc: ts.displayPartsToString(property.getDocumentationComment(checker)) });
      }
    }
  };
  for (const entry of ENTRIES) visit(checker.getSymbolAtLocation(program.getSourceFile(`${root}${entry}`)!)!, '');
  return [...found.values()];
}

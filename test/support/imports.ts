// The import graph of a source tree, for the layers guard (test/architecture/layers.test.ts). Every `.ts` file is
// read with the TypeScript parser (comments and strings never count as imports); its imports are the specifiers of
// `import … from`, `import '…'`, `export … from`, `import x = require('…')`, dynamic `import('…')` and type-level
// `typeof import('…')`. A relative specifier resolves to a file of the tree (`.js` → `.ts`, a folder → its index.ts);
// one that resolves to nothing throws, so no edge is lost silently. Bare specifiers are kept as package names.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ModuleImports {
  /** Files of the tree this file imports, as paths relative to the tree's root ('core/parse.ts'). */
  files: string[];
  /** Packages it imports ('zod', 'ethers/abi', '@duckdb/node-api'). */
  packages: string[];
  /** Its top-level statements that are not re-exports or type declarations, one line each (for entry files). */
  logic: string[];
}

/** File (relative to the root, with '/') -> what it imports. */
export type ImportGraph = Map<string, ModuleImports>;

/** The import specifiers of one file's text, in order of appearance, and the statements that are not re-exports. */
export function parseImports(fileName: string, text: string): { specifiers: string[]; logic: string[] } {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (!arg || !ts.isStringLiteralLike(arg)) throw new Error(`${fileName}: import() of a computed specifier cannot be checked: ${node.getText(source)}`);
      specifiers.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const logic = source.statements
    .filter((s) => !((ts.isExportDeclaration(s) && s.moduleSpecifier) || ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)))
    .map((s) => `line ${source.getLineAndCharacterOfPosition(s.getStart(source)).line + 1}: ${s.getText(source).split('\n')[0]}`);
  return { specifiers, logic };
}

/** Every `.ts` file under `root` (recursively), as paths relative to it with '/', sorted. */
export function listSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** The tree file a relative specifier of `from` names, or an Error saying it names none. */
function resolveRelative(root: string, from: string, specifier: string): string {
  const base = resolve(root, dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
  if (!hit) throw new Error(`${from}: import '${specifier}' resolves to no .ts file of ${root}`);
  return relative(root, hit).split(sep).join('/');
}

/** The package a bare specifier loads: 'ethers/abi' -> 'ethers', '@scope/pkg/sub' -> '@scope/pkg', 'node:fs' -> 'node:fs'. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The import graph of every `.ts` file under `root`. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of listSourceFiles(root)) {
    const { specifiers, logic } = parseImports(file, readFileSync(join(root, file), 'utf8'));
    const relativeOnes = specifiers.filter((s) => s.startsWith('.'));
    graph.set(file, {
      files: [...new Set(relativeOnes.map((s) => resolveRelative(root, file, s)))],
      packages: [...new Set(specifiers.filter((s) => !s.startsWith('.')).map(packageName))],
      logic,
    });
  }
  return graph;
}

/**
 * The import cycles of the graph: each strongly connected group of files that import each other (directly or
 * through others), as its files sorted, plus a file importing itself. Tarjan's algorithm, iteration order sorted.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const connect = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const to of graph.get(file)?.files ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)?.files.includes(file)) cycles.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Files reachable from `start` through imports (start included), and the packages they import. */
export function reachable(graph: ImportGraph, start: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>([start]);
  const packages = new Set<string>();
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const node = graph.get(file);
    for (const p of node?.packages ?? []) packages.add(p);
    for (const to of node?.files ?? []) {
      if (files.has(to)) continue;
      queue.push(to);
      files.add(to);
    }
  }
  return { files, packages };
}

export interface UpwardImport {
  from: string;
  to: string;
  fromRank: string;
  toRank: string;
}

/**
 * Imports from a file to one of a higher rank. `ranks` lists layers lowest first, each a list of top-level folder
 * names; a file's layer is its top-level folder. `entries` (top-level files) may import anything: an entry's rank is
 * the highest rank it imports (so a file may import an entry only if it could import everything the entry holds).
 * A file outside every rank throws, naming it, so a new folder must be given a rank before it can be used.
 */
export function upwardImports(graph: ImportGraph, ranks: readonly (readonly string[])[], entries: readonly string[]): UpwardImport[] {
  const folderRank = new Map(ranks.flatMap((names, i) => names.map((n) => [n, i] as const)));
  const entryRank = new Map<string, number>();
  const rankOf = (file: string, seen: ReadonlySet<string> = new Set()): number => {
    if (entries.includes(file)) {
      if (seen.has(file)) return -1;
      if (!entryRank.has(file)) entryRank.set(file, Math.max(-1, ...(graph.get(file)?.files ?? []).map((f) => rankOf(f, new Set([...seen, file])))));
      return entryRank.get(file)!;
    }
    const rank = folderRank.get(file.split('/')[0]!);
    if (rank === undefined) throw new Error(`${file} is in no layer: give its folder a rank (or list it as an entry)`);
    return rank;
  };
  const name = (file: string): string => {
    const r = rankOf(file);
    return entries.includes(file) ? `entry ${file} (as ${ranks[r]?.join('/') ?? 'nothing'})` : ranks[r]!.join('/');
  };
  const out: UpwardImport[] = [];
  for (const [from, node] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    if (entries.includes(from)) continue;
    for (const to of node.files) if (rankOf(to) > rankOf(from)) out.push({ from, to, fromRank: name(from), toRank: name(to) });
  }
  return out;
}

/**
 * The import rule of `src/`: a lower layer never imports a higher one, and no module imports itself
 * back through others (no cycles). `npm test` runs it through src/layers.test.ts.
 *
 * Layers, lowest first (README, "Layout"). `src/errors.ts` is below every layer; `src/index.ts`
 * (the package root) above all. Test files (`*.test.ts`, `*.fixture.ts`) are exempt: a test may
 * build its fixtures with higher layers (a checkpoint test uses real optimizers).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const LAYERS = [
  'tree',
  'engine',
  'io',
  'optim',
  'schedules',
  'regularize',
  'augment',
  'data',
  'train',
  'report',
  'store',
  'tune',
  'dashboard',
  'cli',
] as const;

/** One module's relative imports: the importing file and each specifier (as written). */
export interface ModuleImports {
  file: string;
  imports: string[];
}

/** Relative import/export specifiers of a TypeScript source (static, `export … from`, dynamic). */
export function relativeSpecifiers(source: string): string[] {
  const out: string[] = [];
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) if (m[1].startsWith('.')) out.push(m[1]);
  return out;
}

/** The layer rank of a file under `root` (src/): -1 for src/errors.ts, LAYERS.length for src/index.ts. */
export function layerOf(root: string, file: string): number {
  const rel = relative(root, file).split(sep);
  if (rel.length === 1) return rel[0] === 'errors.ts' ? -1 : LAYERS.length;
  const i = (LAYERS as readonly string[]).indexOf(rel[0]);
  if (i < 0) throw new Error(`src/${rel[0]}/ is not a known layer: add it to LAYERS in tools/layers.ts (and to the README's layout)`);
  return i;
}

/** Problems of a set of modules: upward imports and cycles, each as one line. */
export function checkLayers(root: string, modules: readonly ModuleImports[]): string[] {
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  const known = new Set(modules.map((m) => m.file));
  for (const m of modules) {
    const targets: string[] = [];
    for (const spec of m.imports) {
      const target = resolve(dirname(m.file), spec).replace(/\.js$/, '.ts');
      if (!target.startsWith(root + sep)) {
        problems.push(`${relative(root, m.file)} imports ${spec}, outside src/`);
        continue;
      }
      const [from, to] = [layerOf(root, m.file), layerOf(root, target)];
      if (to > from)
        problems.push(`${relative(root, m.file)} (layer ${LAYERS[from] ?? 'root'}) imports ${relative(root, target)} (layer ${LAYERS[to] ?? 'root'}), a higher layer`);
      if (known.has(target)) targets.push(target);
    }
    graph.set(m.file, targets);
  }
  for (const cycle of cycles(graph)) problems.push(`import cycle: ${[...cycle, cycle[0]].map((f) => relative(root, f)).join(' -> ')}`);
  return problems;
}

/** The strongly connected components with more than one module (or a self-import), Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.reverse());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** Every non-test module under `root` with its relative imports. */
export function readModules(root: string): ModuleImports[] {
  const out: ModuleImports[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.fixture.ts') && !name.endsWith('.d.ts'))
        out.push({ file: path, imports: relativeSpecifiers(readFileSync(path, 'utf8')) });
    }
  };
  walk(root);
  return out;
}

// Each process lives in its own folder under workflows/ and the modules there import one another in one
// direction only: a circle (two phases reaching into each other) would make every module on it part of
// every other, and the order their top-level code runs in depend on which one is loaded first.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const WORKFLOWS = path.resolve(__dirname, '../../workflows');

function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return modulesUnder(file);
    return e.name.endsWith('.ts') ? [file] : [];
  });
}

/** The modules under workflows/ that `file` imports, type-only imports and re-exports included. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.resolve(path.dirname(file), name))
    .flatMap((target) => [`${target}.ts`, path.join(target, 'index.ts')].filter((candidate) => modules.includes(candidate)).slice(0, 1));
}

const modules = modulesUnder(WORKFLOWS);
const rel = (file: string) => path.relative(WORKFLOWS, file);

/** Every import circle, each as the modules on it in import order, the first repeated at the end. */
function circles(): string[][] {
  const graph = new Map(modules.map((m) => [m, importsOf(m)]));
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (m: string, trail: string[]) => {
    const at = trail.indexOf(m);
    if (at >= 0) {
      found.push([...trail.slice(at), m].map(rel));
      return;
    }
    if (done.has(m)) return;
    for (const next of graph.get(m) ?? []) visit(next, [...trail, m]);
    done.add(m);
  };
  for (const m of modules) visit(m, []);
  return found;
}

test('the walk sees the modules and their imports', () => {
  expect(modules.map(rel)).toEqual(expect.arrayContaining(['index.ts', 'shared.ts', 'lifecycle/workflow.ts', 'care/workflow.ts', 'failureTicket/workflow.ts']));
  expect(importsOf(path.join(WORKFLOWS, 'index.ts')).map(rel)).toEqual(expect.arrayContaining(['lifecycle/workflow.ts', 'care/workflow.ts']));
});

test('no import circle under workflows/', () => {
  expect(circles()).toEqual([]);
});

// One clock for the whole product (runtime/clock.ts): product code never reads the system clock by
// itself, so a test that fixes the time fixes it everywhere. Workflow code is exempt: there `Date.now()`
// is the workflow's deterministic time, which the Temporal server keeps. Tests and benchmarks may read
// the real clock.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCT_DIRS = ['activities', 'api', 'domain', 'import', 'notifications', 'runtime', 'scenarios', 'web'];
const CLOCK_MODULE = 'runtime/clock.ts';

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** `Date.now()`, `new Date()` and `Date()` with no argument: each reads the system clock. */
function systemClockReads(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const at = () => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${node.getText(sf)}`;
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      if (callee === 'Date.now' || (callee === 'Date' && node.arguments.length === 0)) found.push(at());
    }
    if (ts.isNewExpression(node) && node.expression.getText(sf) === 'Date' && (node.arguments?.length ?? 0) === 0) found.push(at());
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('the detector finds each way of reading the system clock and nothing else', () => {
  const sample = ['const a = Date.now();', 'const b = new Date();', 'const c = new Date;', 'const d = Date();', 'const e = new Date(0);', 'const f = Date.parse("2026-01-01");', 'const g = clock.now();'].join('\n');
  expect(systemClockReads('sample.ts', sample).map((f) => f.split(': ')[1])).toEqual(['Date.now()', 'new Date()', 'new Date', 'Date()']);
});

test('product code reads the time from the injected clock only', () => {
  const files = PRODUCT_DIRS.flatMap(sourcesUnder).filter((f) => f !== CLOCK_MODULE);
  expect(files.length).toBeGreaterThan(100);
  const reads = files.flatMap((f) => systemClockReads(f, readFileSync(path.join(ROOT, f), 'utf8')));
  expect(reads).toEqual([]);
});

// The workflow modules are preloaded: one evaluation per worker thread, shared by every workflow
// (runtime/workflowBundleOptions.ts). A module-level variable would then be one value for all
// vehicles at once — a leak between workflows and a source of non-determinism on replay. These checks
// read every module of ours in the real bundle and refuse module-level state.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { lifecycleBundle } from '../../runtime/timeSkippingServer';

const ROOT = path.resolve(__dirname, '../..');
const MUTABLE_COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);
const MUTATING_METHODS = 'push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin|set|add|delete|clear';

interface Finding {
  file: string;
  name: string;
  why: string;
}

/** Our own modules in the bundle webpack made, as it names them ("./workflows/lifecycle/workflow.ts"). */
async function bundledModules(): Promise<string[]> {
  const { code } = await lifecycleBundle();
  const ids = new Set([...code.matchAll(/"\.\/((?!node_modules\/)[^"]+\.ts)"/g)].map((m) => m[1]));
  return [...ids].sort();
}

function moduleStateIn(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const topLevelNames: string[] = [];
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const d of statement.declarationList.declarations) {
      const name = d.name.getText(sf);
      topLevelNames.push(name);
      if (!isConst) findings.push({ file, name, why: 'module-level let/var' });
      const init = d.initializer;
      if (init && ts.isNewExpression(init) && MUTABLE_COLLECTIONS.has(init.expression.getText(sf))) {
        findings.push({ file, name, why: `module-level ${init.expression.getText(sf)}` });
      }
    }
  }
  for (const name of topLevelNames.filter((n) => /^\w+$/.test(n))) {
    const mutated = new RegExp(`\\b${name}\\s*(\\.(${MUTATING_METHODS})\\(|(\\.\\w+|\\[[^\\]]+\\])\\s*=[^=>])`);
    if (mutated.test(source)) findings.push({ file, name, why: 'module-level value changed in place' });
  }
  return findings;
}

describe('workflow modules shared between workflows keep no state of their own', () => {
  let modules: string[];
  beforeAll(async () => {
    modules = await bundledModules();
  });

  it('finds the lifecycle, care and ticket workflows and the date rules among the bundled modules', () => {
    expect(modules).toEqual(
      expect.arrayContaining(['workflows/lifecycle/workflow.ts', 'workflows/care/workflow.ts', 'workflows/failureTicket/workflow.ts', 'domain/dueDate.ts']),
    );
  });

  it('no bundled module of ours declares module-level let/var, collections or values it changes', () => {
    const findings = modules.flatMap((m) => moduleStateIn(m, readFileSync(path.join(ROOT, m), 'utf8')));
    expect(findings).toEqual([]);
  });

  it('the check recognises each kind of module-level state', () => {
    const source = [
      'let count = 0;',
      'const cache = new Map<string, number>();',
      'const seen: string[] = [];',
      'export function note(v: string) { seen.push(v); }',
      'const settings = { hours: 8 };',
      'export function change() { settings.hours = 9; }',
      'const DAYS = [1, 2];',
      'export function read() { return DAYS.length === 2 && count >= 0 && cache.size >= 0; }',
    ].join('\n');
    expect(moduleStateIn('sample.ts', source)).toEqual([
      { file: 'sample.ts', name: 'count', why: 'module-level let/var' },
      { file: 'sample.ts', name: 'cache', why: 'module-level Map' },
      { file: 'sample.ts', name: 'seen', why: 'module-level value changed in place' },
      { file: 'sample.ts', name: 'settings', why: 'module-level value changed in place' },
    ]);
  });
});

// A property-based sweep of the whole API (issue 14): every endpoint of the OpenAPI document, as each
// role, with generated malformed paths, bodies, query strings and content types (fast-check, fixed
// seed, bounded runs). Whatever comes in: no 5xx, a refused request changes nothing (row counts of
// every table, workflow history lengths), and no vehicle ends with a workflow but no row or a row but
// no workflow. The slowest answer is reported, not asserted.
import fc from 'fast-check';
import { ROLES } from '../../api/auth/policy';
import { buildOpenApi } from '../../api/openapi';
import { careWorkflowId } from '../../workflows/care/contract';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const SEED = 20261207;
const RUNS_PER_ROLE = 3;
const VIN_A = 'LSVSWEEPA00000001';
const VIN_B = 'LSVSWEEPB00000001';

let stack: ProductStack;
let api: ApiDriver;
let tables: string[];

beforeAll(async () => {
  stack = await startProductStack(seedWebStores);
  api = new ApiDriver(stack.base);
  await api.register(VIN_A, STORE_A, '苏F50001', '13900000501');
  await api.register(VIN_B, STORE_B, '苏F50002', '13900000502');
  await Promise.all([api.waitForStage(VIN_A, 'AWAITING_CALL_OUTCOME'), api.waitForStage(VIN_B, 'AWAITING_CALL_OUTCOME')]);
  tables = (await stack.db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)).map((t) => t.name);
  for (const role of ROLES) await api.token(staffIdOf(role));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** What a refused request must leave as it was. */
async function snapshot(): Promise<string> {
  const counts = await stack.db.$queryRawUnsafe<Record<string, bigint>[]>(`SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`);
  const histories = await Promise.all(
    [lifecycleWorkflowId(VIN_A), lifecycleWorkflowId(VIN_B), careWorkflowId(VIN_A), careWorkflowId(VIN_B)].map((id) =>
      stack.client.workflow
        .getHandle(id)
        .describe()
        .then((d) => `${d.runId}:${d.historyLength}`),
    ),
  );
  return JSON.stringify({ counts: Object.fromEntries(Object.entries(counts[0]).map(([k, v]) => [k, Number(v)])), histories });
}

/** After a request that was applied, what it set going settles before the next baseline. */
async function settled(): Promise<string> {
  let last = await snapshot();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await snapshot();
    if (next === last) return next;
    last = next;
  }
  return last;
}

const POISON: unknown[] = [
  '\u0000',
  'a\u0007b',
  '9999-12-31T00:00:00Z',
  '2026-13-45',
  '0001-01-01T00:00:00+08:00',
  -1,
  1.5,
  1e308,
  '',
  ' ',
  '异响',
  'x'.repeat(3000),
  [],
  {},
  null,
  true,
  '<script>alert(1)</script>',
  `'; DROP TABLE "Vehicle"; --`,
  '{{#each a}}{{#each a}}{{/each}}{{/each}}',
  { a: { b: { c: { d: { e: { f: [] } } } } } },
];

const poison = fc.constantFrom(...POISON);
const value = fc.oneof(poison, fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40, unit: 'binary' }));

const PARAMS: Record<string, unknown[]> = {
  vin: [VIN_A, VIN_B, 'LSVNOSUCHVIN00001', 'lsvsweepa00000001'],
  storeId: [STORE_A, STORE_B, 'no-such-store'],
  ticketId: [`failure-${VIN_A}-c1`, 'failure-x'],
  key: ['maintenance-reminder', 'no-such-template'],
  locale: ['zh-CN', 'en', 'fr'],
  channel: ['SMS', 'EMAIL', 'WECOM', 'FAX'],
};
const JUNK_SEGMENTS = ['%FF%FE', '%00', '..%2F..%2Fetc', '苏F12345', 'x'.repeat(300), '%E4%B8'];

function pathArbitrary(template: string): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const segment = (name: string) => fc.oneof(fc.constantFrom(...((PARAMS[name] ?? ['1', 'abc']) as string[])), fc.constantFrom(...JUNK_SEGMENTS), fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent));
  return fc.tuple(...names.map(segment)).map((values) => names.reduce((p, name, i) => p.replace(`{${name}}`, values[i].startsWith('%') || JUNK_SEGMENTS.includes(values[i]) ? values[i] : encodeURIComponent(values[i])), template));
}

function bodyArbitrary(schema: { properties?: Record<string, unknown> } | undefined): fc.Arbitrary<unknown> {
  const fields = Object.keys(schema?.properties ?? {});
  const nearValid = fields.length ? fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length }) : fc.constant({});
  return fc.oneof(nearValid, nearValid, value, fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 }));
}

interface Probe {
  method: string;
  path: string;
  role: string;
  contentType: string | undefined;
  body: string | undefined;
  query: string;
}

function probes(): Probe[] {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
  const all: Probe[] = [];
  let seed = SEED;
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      // Signing out ends the sweep's own sessions; it takes no input to sweep.
      if (template === '/api/session' && method === 'delete') continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const arbitrary = fc.record({
        path: pathArbitrary(template),
        role: fc.constantFrom(...ROLES, 'NOBODY'),
        contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', undefined),
        body: bodyArbitrary(schema),
        query: fc.oneof(fc.constant(''), fc.dictionary(fc.constantFrom('stage', 'store', 'limit', 'overdue', 'from', 'to', 'status', 'q'), fc.oneof(poison, fc.string({ maxLength: 10 })).map(String), { maxKeys: 3 }).map((q) => `?${new URLSearchParams(q as Record<string, string>)}`)),
      });
      for (const p of fc.sample(arbitrary, { seed: seed++, numRuns: RUNS_PER_ROLE * (ROLES.length + 1) })) {
        const sendsBody = method !== 'get' && p.contentType !== undefined;
        all.push({ method: method.toUpperCase(), path: p.path, role: p.role, contentType: sendsBody ? p.contentType : undefined, body: sendsBody ? JSON.stringify(p.body) : undefined, query: p.query });
      }
    }
  }
  return all;
}

test('the API sweep: no 5xx, a refused request changes nothing, no vehicle half-registered', async () => {
  const all = probes();
  const byClass = new Map<string, number>();
  const serverErrors: string[] = [];
  const changedByRefusal: string[] = [];
  let slowest = { ms: 0, what: '' };
  let baseline = await snapshot();
  for (const p of all) {
    const headers: Record<string, string> = {};
    if (p.role !== 'NOBODY') headers.authorization = `Bearer ${await api.token(staffIdOf(p.role))}`;
    if (p.contentType) headers['content-type'] = p.contentType;
    const what = `${p.role} ${p.method} ${p.path}${p.query} ${p.contentType ?? ''} ${(p.body ?? '').slice(0, 200)}`;
    const started = performance.now();
    const res = await fetch(`${stack.base}${p.path}${p.query}`, { method: p.method, headers, body: p.body, redirect: 'manual' });
    const text = await res.text();
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, what };
    const statusClass = `${String(res.status)[0]}xx`;
    byClass.set(statusClass, (byClass.get(statusClass) ?? 0) + 1);
    if (res.status >= 500) serverErrors.push(`${res.status} ${what} → ${text.slice(0, 200)}`);
    if (res.status >= 400) {
      const after = await snapshot();
      if (after !== baseline) changedByRefusal.push(`${res.status} ${what}`);
      baseline = after;
    } else if (p.method !== 'GET') {
      baseline = await settled();
    }
  }
  console.log(`[sweep] ${all.length} requests: ${[...byClass.entries()].sort().map(([k, v]) => `${k} ${v}`).join(', ')}; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what.slice(0, 160)}`);
  expect(all.length).toBeGreaterThan(2000);
  expect(serverErrors).toEqual([]);
  expect(changedByRefusal).toEqual([]);

  // Every vehicle row has its lifecycle and every lifecycle its row.
  const matched = async () => {
    const rows = (await stack.db.vehicle.findMany({ select: { vin: true } })).map((v) => lifecycleWorkflowId(v.vin));
    const workflows = new Set<string>();
    for await (const wf of stack.client.workflow.list({ query: `WorkflowType = 'vehicleLifecycle'` })) workflows.add(wf.workflowId);
    return { rows: rows.sort(), workflows: [...workflows].sort() };
  };
  // Visibility lags the server by a moment.
  let found = await matched();
  for (let i = 0; i < 20 && JSON.stringify(found.rows) !== JSON.stringify(found.workflows); i++) {
    await new Promise((r) => setTimeout(r, 500));
    found = await matched();
  }
  expect(found.workflows).toEqual(found.rows);
}, 600_000);

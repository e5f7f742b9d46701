// The OpenAPI document describes exactly the API that is mounted: every /api (and /codec) route with its method,
// nothing that is not there, and no header the code does not read.
import { Client, Connection } from '@temporalio/client';
import type { Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { buildOpenApi } from '../../api/openapi';
import { createWebRouter } from '../../web/router';
import { mountedRoutes } from '../support/mountedRoutes';

const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const db = {} as Db;
const app = createApp({ client, db, routers: [createWebRouter({ client, db, temporalUiUrl: 'http://127.0.0.1:8233' })] });
const doc = buildOpenApi() as { paths: Record<string, Record<string, unknown>> };
const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
const mounted = mountedRoutes(app)
  // The Temporal UI's codec endpoint is mounted beside /api, at /codec/decode and /codec/encode.
  .filter((r) => r.path.startsWith('/api/') || r.path.startsWith('/codec/'))
  .map((r) => `${r.method} ${r.path}`);

afterAll(() => client.connection.close());

test('every mounted API route is documented', () => {
  expect(mounted.length).toBeGreaterThan(50);
  expect(mounted.filter((r) => !documented.includes(r))).toEqual([]);
});

test('every documented route is mounted', () => {
  expect(documented.filter((r) => !mounted.includes(r))).toEqual([]);
});

test('no documented header the API does not read (the actor is the signed-in person)', () => {
  expect(JSON.stringify(doc)).not.toMatch(/X-Actor/i);
});

// The product's API for tests of routes that only read and write the database: Temporal is never
// reached, so its client has a lazy connection that is never opened.
import { Client, Connection } from '@temporalio/client';
import type { StaffRole } from '../../generated/prisma/enums';
import { AddressInfo } from 'node:net';
import type { Db } from '../../activities/database';
import { createApp } from '../../api/app';
import type { Clock } from '../../runtime/clock';
import { createWebRouter } from '../../web/router';
import { addStaff, signIn } from './staff';

export interface DatabaseOnlyApi {
  base: string;
  /** Bearer tokens of the signed-in people, by staff id. */
  tokens: Map<string, string>;
  stop(): Promise<void>;
}

/** Listens on a free loopback port with `people` added as staff and signed in. */
export async function startDatabaseOnlyApi(db: Db, people: { id: string; storeId: string; role: StaffRole }[]): Promise<DatabaseOnlyApi> {
  const server = createApp({ client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), db }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await addStaff(db, people);
  const tokens = new Map<string, string>();
  for (const p of people) tokens.set(p.id, await signIn(base, p.id));
  return { base, tokens, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface DatabaseOnlyWeb {
  base: string;
  stop(): Promise<void>;
}

/** The API with the web pages, for tests of pages that only read and write the database; `clock` fixes their time. */
export async function startDatabaseOnlyWeb(db: Db, clock?: Clock): Promise<DatabaseOnlyWeb> {
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection });
  const server = createApp({ client, db, clock, routers: [createWebRouter({ client, db, clock, temporalUiUrl: 'http://127.0.0.1:8233' })] }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise((r) => server.close(r));
      await connection.close().catch(() => undefined);
    },
  };
}

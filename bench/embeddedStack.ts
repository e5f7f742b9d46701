// The whole product in this process, assembled as runtime/start.ts does for its embedded defaults,
// but on throw-away directories and OS-chosen loopback ports, so a benchmark never touches ./data or
// collides with a running `npm start`.
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, Db } from '../activities/database';
import { createApp } from '../api/app';
import { seedDemoStoreIfEmpty } from '../runtime/demoStore';
import { startEmbeddedDatabase } from '../runtime/embeddedDatabase';
import { startPostgres } from '../tests/support/postgres';
import { measurePgliteBusyTime } from './diagnostics';
import { runLifecycleWorker } from '../runtime/lifecycleWorker';
import { SHARED_BUNDLE_CACHE } from '../runtime/workflowBundle';
import { freePort } from '../runtime/freePort';
import { applyMigrations } from '../runtime/migrate';
import { payloadDataConverter } from '../runtime/payloadCodec';
import { newPayloadKey } from '../runtime/payloadKeys';
import { startTemporalDevServer } from '../runtime/temporalDevServer';

const NAMESPACE = 'default';
// Encrypted like the product's payloads, so the numbers include the codec; the key dies with the run.
export const dataConverter = payloadDataConverter([newPayloadKey('bench')]);

export interface EmbeddedStack {
  /** Base URL of the API, e.g. http://127.0.0.1:41234 */
  apiUrl: string;
  /** The client the API itself uses, so the raw path and the API path share one connection. */
  client: Client;
  worker: Worker;
  db: Db;
  /** The Temporal dev server's gRPC address and process. */
  temporalAddress: string;
  temporalPid: number;
  /** A new worker in place of the running one: its workflow cache starts empty. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;


/**
 * The database `npm start` would use: the embedded PGlite with its one connection (pool of one, as
 * start.ts), or with BENCH_POSTGRES=1 a throw-away PostgreSQL cluster from Debian with the pool of ten a
 * deployment with DATABASE_URL gets.
 */
async function startDatabase(dir: string, stops: Stop[]): Promise<{ url: string; poolSize: number }> {
  if (process.env.BENCH_POSTGRES === '1') {
    const postgres = await startPostgres();
    stops.push(postgres.stop);
    return { url: postgres.url, poolSize: 10 };
  }
  const database = await startEmbeddedDatabase(dir, { reportBusyEveryMs: 250 });
  measurePgliteBusyTime(database.busyMs, database.osThreadId);
  stops.push(database.stop);
  return { url: database.url, poolSize: 1 };
}

/**
 * Starts the database, migrations, demo store, dev server, worker and API; `instrumentDb` may wrap the
 * database client the worker and API share (for measurements). On a failure half-way, whatever
 * already started is stopped before the error is rethrown, so a failed run leaves no processes behind.
 */
export async function startEmbeddedStack(temporalCli: string, instrumentDb: (db: Db) => Db = (db) => db): Promise<EmbeddedStack> {
  const stops: Stop[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err) => console.error('while stopping:', err));
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'service-lane-bench-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));

    const { url, poolSize } = await startDatabase(dir, stops);
    await applyMigrations(url);
    const prisma = createDb(url, poolSize);
    stops.push(() => prisma.$disconnect());
    await seedDemoStoreIfEmpty(prisma);
    const db = instrumentDb(prisma);

    // Headless (so uiPort is unused): the web UI would only add an idle listener.
    const server = await startTemporalDevServer({
      executable: temporalCli,
      dbFile: path.join(dir, 'temporal.db'),
      port: await freePort(),
      uiPort: 0,
      namespace: NAMESPACE,
      headless: true,
    });
    stops.push(server.stop);

    let running = await startWorker(server.address, db);
    stops.push(() => running.stop());
    const client = await connectClient(server.address, stops);
    const apiUrl = await listen(createApp({ client, db }), stops);
    const stack: EmbeddedStack = {
      apiUrl,
      client,
      worker: running.worker,
      db,
      temporalAddress: server.address,
      temporalPid: server.pid,
      async restartWorker() {
        await running.stop();
        running = await startWorker(server.address, db);
        stack.worker = running.worker;
      },
      stop,
    };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startWorker(address: string, db: Db): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  return runLifecycleWorker({
    address,
    namespace: NAMESPACE,
    db,
    bundleCacheDir: SHARED_BUNDLE_CACHE,
    dataConverter,
    // A worker that dies mid-run would make every later number meaningless: fail loudly instead.
    onFailure: (err) => {
      console.error('worker stopped:', err);
      process.exitCode = 1;
    },
  });
}

async function connectClient(address: string, stops: Stop[]): Promise<Client> {
  const connection = await Connection.connect({ address });
  stops.push(() => connection.close());
  return new Client({ connection, namespace: NAMESPACE, dataConverter });
}

async function listen(app: ReturnType<typeof createApp>, stops: Stop[]): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Load generators keep connections alive; close() alone would wait for them to time out.
        server.closeAllConnections();
      }),
  );
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('API server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

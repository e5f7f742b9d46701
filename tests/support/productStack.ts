// The product as `npm start` runs it, for end-to-end tests: real PostgreSQL, the real Temporal dev
// server, the lifecycle worker and the app (API and web UI) on a free port.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { createLifecycleWorker } from '../../runtime/lifecycleWorker';
import { SHARED_BUNDLE_CACHE } from '../../runtime/workflowBundle';
import { applyMigrations } from '../../runtime/migrate';
import { payloadDataConverter } from '../../runtime/payloadCodec';
import { TemporalDevServer } from '../../runtime/temporalDevServer';
import { createWebRouter } from '../../web/router';
import { startTestDevServer } from './devServer';
import { TEST_PAYLOAD_KEYS } from './payloadKeys';
import { startPostgres, TestPostgres } from './postgres';

export interface ProductStack {
  base: string;
  db: Db;
  client: Client;
  postgresUrl: string;
  temporalUiUrl: string;
  stop(): Promise<void>;
}

export async function startProductStack(seed: (db: Db) => Promise<void>): Promise<ProductStack> {
  let postgres: TestPostgres | undefined;
  let devServer: TemporalDevServer | undefined;
  let db: Db | undefined;
  let connection: Connection | undefined;
  let workerConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let server: Server | undefined;
  const stop = async () => {
    server?.close();
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await workerConnection?.close();
    await connection?.close();
    await db?.$disconnect();
    await Promise.all([devServer?.stop(), postgres?.stop()]);
  };
  try {
    [postgres, devServer] = await Promise.all([startPostgres(), startTestDevServer()]);
    await applyMigrations(postgres.url);
    db = createDb(postgres.url);
    await seed(db);
    // Encrypted as `npm start` encrypts, with the test key, so recorded histories replay anywhere.
    const dataConverter = payloadDataConverter(TEST_PAYLOAD_KEYS);
    connection = await Connection.connect({ address: devServer.address });
    const client = new Client({ connection, dataConverter });
    workerConnection = await NativeConnection.connect({ address: devServer.address });
    worker = await createLifecycleWorker(workerConnection, 'default', db, SHARED_BUNDLE_CACHE, dataConverter);
    running = worker.run();
    const app = createApp({ client, db, temporalUiOrigins: [new URL(devServer.uiUrl).origin], routers: [createWebRouter({ client, db, temporalUiUrl: devServer.uiUrl })] });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, db, client, postgresUrl: postgres.url, temporalUiUrl: devServer.uiUrl, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

// `npm start`: the whole product in one process on embedded defaults (Temporal dev server and database
// under ./data), or pointed at a real cluster and PostgreSQL through TEMPORAL_ADDRESS and DATABASE_URL.
// SERVICE_LANE_ROLE=api|worker runs one half, for deployments that scale them apart.
import { Client, Connection } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import path from 'node:path';
import { createDb } from '../activities/database';
import { createApp } from '../api/app';
import { createCommandDeps } from '../commands/command';
import { offerFirstAccount, SETUP_TOKEN_TTL_MS } from '../commands/firstAccount';
import { createDispatcher, outboxTimingFromEnv } from '../notifications/dispatcher';
import { createWebRouter } from '../web/router';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { seedDemoStoreIfEmpty } from './demoStore';
import { seedDemoVehicles } from './demoVehicles';
import { startEmbeddedDatabase } from './embeddedDatabase';
import { runLifecycleWorker } from './lifecycleWorker';
import { ensureReportSchedule } from '../reports/schedule';
import { logger, temporalLogger } from './logger';
import { createMetrics } from './metrics';
import { describeConnection } from './temporalConnection';
import { requestIdInterceptor } from './requestIdHeader';
import { serveWorkerHealth } from './workerHealth';
import { applyMigrations } from './migrate';
import { payloadDataConverter } from './payloadCodec';
import { payloadKeysFor } from './payloadKeys';
import { startTemporalDevServer } from './temporalDevServer';
import { checkWorkflowBaseline, UnsupportedWorkflowData } from './workflowBaseline';

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  const config = loadConfig();
  // Every part of the product reads this one clock: the system's, in production.
  const clock = systemClock;
  const role = process.env.SERVICE_LANE_ROLE ?? 'all';
  if (!['all', 'api', 'worker'].includes(role)) throw new Error(`SERVICE_LANE_ROLE must be all, api or worker, got ${role}`);
  const stops: Stop[] = [];
  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'while stopping'));
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping …`);
      shutdown().then(() => process.exit(0));
    });
  }

  try {
    // Before anything starts on the data directory: histories this code cannot replay are refused.
    if (!config.temporalAddress) await checkWorkflowBaseline(config.dataDir);
    let databaseUrl = config.databaseUrl;
    const embedded = databaseUrl === undefined;
    if (embedded) {
      if (role !== 'all') throw new Error('the embedded database serves one process: set DATABASE_URL to run the api and worker apart');
      const database = await startEmbeddedDatabase(config.dataDir);
      stops.push(database.stop);
      databaseUrl = database.url;
    }
    const applied = await applyMigrations(databaseUrl!);
    if (applied.length) console.log(`database: applied ${applied.join(', ')}`);
    const db = createDb(databaseUrl!, embedded ? 1 : 10);
    stops.push(() => db.$disconnect());
    // A real database gets the dealership's own stores; the demo store only helps someone trying it out.
    const seedDemo = process.env.SEED_DEMO_STORE === 'true' || (embedded && process.env.SEED_DEMO_STORE !== 'false');
    const demoStoreCreated = seedDemo && (await seedDemoStoreIfEmpty(db));
    if (demoStoreCreated) console.log('database: created the demo store (id demo-store) and its staff (password demo1234)');

    // Before Temporal starts: a product that cannot read its histories must not write new ones.
    const payloadKeys = await payloadKeysFor(config);
    const dataConverter = payloadDataConverter(payloadKeys.keys);

    let temporalAddress = config.temporalAddress;
    let temporalUiUrl = config.temporalUiUrl;
    if (!temporalAddress) {
      const executable = process.env.TEMPORAL_CLI;
      if (!executable) throw new Error('TEMPORAL_CLI is not set: start with `npm start`, which builds the Temporal CLI');
      const server = await startTemporalDevServer({
        executable,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        port: config.temporalPort,
        uiPort: config.temporalUiPort,
        namespace: config.temporalNamespace,
      });
      stops.push(server.stop);
      temporalAddress = server.address;
      temporalUiUrl ??= server.uiUrl;
    }

    if (role !== 'api') {
      // Before any native connection, which fixes the runtime: the SDK's lines as the product's JSON, and
      // its own metrics (task slots, poll latency, schedule-to-start) for Prometheus when asked for.
      const temporalMetrics = process.env.TEMPORAL_METRICS_ADDRESS;
      Runtime.install({ logger: temporalLogger(logger), ...(temporalMetrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: temporalMetrics } } } } : {}) });
      const worker = await runLifecycleWorker({
        address: temporalAddress,
        connectionOptions: config.temporalConnection,
        namespace: config.temporalNamespace,
        db,
        bundleCacheDir: path.join(config.dataDir, 'workflow-bundles'),
        dataConverter,
        onFailure: (err) => {
          logger.error({ err }, 'worker stopped');
          process.kill(process.pid, 'SIGTERM');
        },
      });
      stops.push(worker.stop);
      if (role === 'worker') {
        const health = await serveWorkerHealth(() => worker.worker.getState(), Number(process.env.WORKER_HEALTH_PORT ?? 3001));
        stops.push(health.stop);
      }
      // The outbox sender runs beside the worker; with no channel configured messages wait in the outbox.
      const { leaseMs, pollMs } = outboxTimingFromEnv();
      const outboxLog = logger.child({ component: 'outbox' });
      const dispatcher = createDispatcher({ db, leaseMs, clock, log: (line) => outboxLog.info(line) });
      const sending = dispatcher.start(pollMs);
      stops.push(async () => {
        await sending.stop();
        dispatcher.close();
      });
    }

    if (role !== 'worker') {
      const connection = await Connection.connect({ address: temporalAddress, ...config.temporalConnection });
      stops.push(() => connection.close());
      const client = new Client({ connection, namespace: config.temporalNamespace, dataConverter, interceptors: { workflow: [requestIdInterceptor] } });
      const commands = createCommandDeps({ client, db, clock });
      const app = createApp({ client, db, clock, commands, temporalUiOrigins: config.temporalUiOrigins, trustProxy: config.trustProxy, logger, metrics: createMetrics({ db, clock }), routers: [createWebRouter({ client, db, clock, commands, temporalUiUrl: temporalUiUrl ?? 'http://127.0.0.1:8233', namespace: config.temporalNamespace })] });
      const server = app.listen(config.apiPort, '0.0.0.0');
      await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
      stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      console.log(`Service Lane web   http://localhost:${config.apiPort}/${seedDemo ? '  (demo sign-in: sa-li / demo1234, see README)' : ''}`);
      console.log(`Service Lane API   http://localhost:${config.apiPort}/api  (OpenAPI: /api/openapi.json)`);
      // An empty database has nobody to sign in: the first store and its general manager come from this link.
      // R23: the stores' reports go out on time from the report schedule (created once, kept by Temporal).
      await ensureReportSchedule(client);
      const setupToken = await offerFirstAccount(db, clock.now());
      if (setupToken) console.log(`First account      ${process.env.PUBLIC_BASE_URL ?? `http://localhost:${config.apiPort}`}/setup/${setupToken}  (works once, for ${SETUP_TOKEN_TTL_MS / 3_600_000} h: the first store and its general manager; or npm run admin -- create-general-manager)`);
      // Once, with the demo store: vehicles at different stages (they need the worker, so this runs after it).
      if (demoStoreCreated && role === 'all') void seedDemoVehicles(client, clock).then(() => console.log('demo: vehicles registered at their stages'));
    }
    console.log(`Temporal           ${temporalAddress} (${describeConnection(config.temporalConnection)}, namespace ${config.temporalNamespace})${temporalUiUrl ? `  (web UI: ${temporalUiUrl})` : ''}`);
    console.log(`Payloads           encrypted with key ${payloadKeys.keys[0].id} (${payloadKeys.keys.length} key${payloadKeys.keys.length > 1 ? 's' : ''} from ${payloadKeys.source})${role === 'worker' ? '' : `; codec endpoint for the Temporal UI: http://127.0.0.1:${config.apiPort}/codec`}`);
    console.log(`Data               ${embedded ? config.dataDir : 'DATABASE_URL'}   Ctrl-C stops everything`);
  } catch (err) {
    await shutdown();
    throw err;
  }
}

main().catch((err) => {
  // Read by a person at the terminal: the reset steps stay lines, not one JSON string.
  if (err instanceof UnsupportedWorkflowData) console.error(err.message);
  logger.fatal({ err }, 'could not start');
  process.exit(1);
});

import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { activityTrouble } from '../activities/activityTrouble';
import type { Db } from '../activities/database';
import { fleetRequestActivities } from '../activities/fleetRequests';
import { reportDeliveryActivities } from '../reports/delivery';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/lifecycle/contract';
import type { Logger } from 'pino';
import { requestIdActivities } from './requestIdActivities';
import type { TemporalConnectionOptions } from './temporalConnection';
import { prebuiltWorkflowBundle } from './workflowBundle';

/**
 * Most lifecycles sleep for months between cycles: a bounded cache keeps the worker's memory flat
 * however many vehicles the store has (an evicted lifecycle is replayed from its short history when
 * its next timer fires). Measured by bench/sleepingFleet.ts.
 */
export const MAX_CACHED_LIFECYCLES = Number(process.env.MAX_CACHED_LIFECYCLES ?? 100);

/**
 * How long a stopping worker lets its running activities finish before it cancels them; docker-compose.yml
 * gives the worker container 60 s (stop_grace_period) before it is killed, which leaves time to drain after.
 */
export const WORKER_SHUTDOWN_GRACE = '45s';

/**
 * Worker options shared by the product and the benchmarks that measure it; `dataConverter` is
 * runtime/payloadCodec.ts's, so the worker reads and writes encrypted payloads like every client.
 */
export function lifecycleWorkerOptions(connection: NativeConnection, namespace: string, activities: object, workflowBundle: { codePath: string }, dataConverter: DataConverter): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowBundle,
    activities,
    dataConverter,
    maxCachedWorkflows: MAX_CACHED_LIFECYCLES,
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE,
  };
}

/**
 * The worker that runs the vehicle lifecycles and their database activities; the workflow code is
 * bundled once per source change and kept in `bundleCacheDir`. Activities that keep failing are
 * recorded for the managers' list of stuck lifecycles (activities/activityTrouble.ts). Each activity logs
 * one line, with the id of the request whose step scheduled it (runtime/requestIdActivities.ts).
 */
export async function createLifecycleWorker(connection: NativeConnection, namespace: string, db: Db, bundleCacheDir: string, dataConverter: DataConverter, log?: Logger): Promise<Worker> {
  const bundle = await prebuiltWorkflowBundle(bundleCacheDir);
  // The report schedule's runs (R23) and the fleet requests' deadlines (R25) share the queue: each is a few
  // queries and an outbox write.
  const activities = { ...createActivities(db), ...reportDeliveryActivities(db), ...fleetRequestActivities(db) };
  return Worker.create({ ...lifecycleWorkerOptions(connection, namespace, activities, bundle, dataConverter), interceptors: { activity: [requestIdActivities(log), activityTrouble(db)] } });
}

/**
 * Connects, creates and runs the worker. `stop` drains it (the SDK's runtime may already be draining it
 * on Ctrl-C) and closes the connection; `onFailure` hears of a worker that stopped by itself.
 */
export async function runLifecycleWorker(o: {
  address: string;
  /** TLS and API key of a configured cluster (runtime/temporalConnection.ts); plain when left out. */
  connectionOptions?: TemporalConnectionOptions;
  namespace: string;
  db: Db;
  bundleCacheDir: string;
  dataConverter: DataConverter;
  onFailure: (err: unknown) => void;
}): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const connection = await NativeConnection.connect({ address: o.address, ...o.connectionOptions });
  let worker: Worker;
  try {
    worker = await createLifecycleWorker(connection, o.namespace, o.db, o.bundleCacheDir, o.dataConverter);
  } catch (err) {
    await connection.close();
    throw err;
  }
  const running = worker.run();
  running.catch(o.onFailure);
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

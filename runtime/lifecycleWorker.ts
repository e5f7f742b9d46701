import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { activityTrouble } from '../activities/activityTrouble';
import type { Db } from '../activities/database';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/definitions';
import { prebuiltWorkflowBundle } from './workflowBundle';

/**
 * Most lifecycles sleep for months between cycles: a bounded cache keeps the worker's memory flat
 * however many vehicles the store has (an evicted lifecycle is replayed from its short history when
 * its next timer fires). Measured by bench/sleepingFleet.ts.
 */
export const MAX_CACHED_LIFECYCLES = Number(process.env.MAX_CACHED_LIFECYCLES ?? 100);

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
  };
}

/**
 * The worker that runs the vehicle lifecycles and their database activities; the workflow code is
 * bundled once per source change and kept in `bundleCacheDir`. Activities that keep failing are
 * recorded for the managers' list of stuck lifecycles (activities/activityTrouble.ts).
 */
export async function createLifecycleWorker(connection: NativeConnection, namespace: string, db: Db, bundleCacheDir: string, dataConverter: DataConverter): Promise<Worker> {
  const bundle = await prebuiltWorkflowBundle(bundleCacheDir);
  return Worker.create({ ...lifecycleWorkerOptions(connection, namespace, createActivities(db), bundle, dataConverter), interceptors: { activity: [activityTrouble(db)] } });
}

/**
 * Connects, creates and runs the worker. `stop` drains it (the SDK's runtime may already be draining it
 * on Ctrl-C) and closes the connection; `onFailure` hears of a worker that stopped by itself.
 */
export async function runLifecycleWorker(o: {
  address: string;
  namespace: string;
  db: Db;
  bundleCacheDir: string;
  dataConverter: DataConverter;
  onFailure: (err: unknown) => void;
}): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const connection = await NativeConnection.connect({ address: o.address });
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

import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../activities/database';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/definitions';
import { prebuiltWorkflowBundle } from './workflowBundle';

/**
 * Most lifecycles sleep for months between cycles: a bounded cache keeps the worker's memory flat
 * however many vehicles the store has (an evicted lifecycle is replayed from its short history when
 * its next timer fires). Measured by bench/sleepingFleet.ts.
 */
export const MAX_CACHED_LIFECYCLES = Number(process.env.MAX_CACHED_LIFECYCLES ?? 100);

/** Worker options shared by the product and the benchmarks that measure it. */
export function lifecycleWorkerOptions(connection: NativeConnection, namespace: string, activities: object, workflowBundle: { codePath: string }): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowBundle,
    activities,
    maxCachedWorkflows: MAX_CACHED_LIFECYCLES,
  };
}

/**
 * The worker that runs the vehicle lifecycles and their database activities; the workflow code is
 * bundled once per source change and kept in `bundleCacheDir`.
 */
export async function createLifecycleWorker(connection: NativeConnection, namespace: string, db: Db, bundleCacheDir: string): Promise<Worker> {
  const bundle = await prebuiltWorkflowBundle(bundleCacheDir);
  return Worker.create(lifecycleWorkerOptions(connection, namespace, createActivities(db), bundle));
}

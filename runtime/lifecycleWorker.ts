import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../activities/database';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/definitions';

/**
 * Most lifecycles sleep for months between cycles: a bounded cache keeps the worker's memory flat
 * however many vehicles the store has (an evicted lifecycle is replayed from its short history when
 * its next timer fires). Measured by bench/sleepingFleet.ts.
 */
export const MAX_CACHED_LIFECYCLES = Number(process.env.MAX_CACHED_LIFECYCLES ?? 100);

/** Worker options shared by the product and the benchmarks that measure it. */
export function lifecycleWorkerOptions(connection: NativeConnection, namespace: string, activities: object): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities,
    maxCachedWorkflows: MAX_CACHED_LIFECYCLES,
  };
}

/** The worker that runs the vehicle lifecycles and their database activities. */
export function createLifecycleWorker(connection: NativeConnection, namespace: string, db: Db): Promise<Worker> {
  return Worker.create(lifecycleWorkerOptions(connection, namespace, createActivities(db)));
}

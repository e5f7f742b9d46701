import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../activities/database';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/definitions';

/** The worker that runs the vehicle lifecycles and their database activities. */
export function createLifecycleWorker(connection: NativeConnection, namespace: string, db: Db): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(db),
  });
}

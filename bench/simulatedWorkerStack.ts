// For the benchmarks that measure the worker alone: a throw-away dev server, a client, and a worker with
// the product's options (runtime/lifecycleWorker.ts) whose database activities are simulated.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../runtime/freePort';
import { lifecycleWorkerOptions } from '../runtime/lifecycleWorker';
import { payloadDataConverter } from '../runtime/payloadCodec';
import { newPayloadKey } from '../runtime/payloadKeys';
import { startTemporalDevServer } from '../runtime/temporalDevServer';
import { prebuiltWorkflowBundle, SHARED_BUNDLE_CACHE } from '../runtime/workflowBundle';
import { recordingActivities } from '../scenarios/simulatedActivities';

export interface SimulatedWorkerStack {
  client: Client;
  worker: Worker;
  stop(): Promise<void>;
}

/** `overrides` change the product's worker options for the measurement (e.g. the cache size). */
export async function startSimulatedWorkerStack(name: string, overrides: Partial<WorkerOptions> = {}): Promise<SimulatedWorkerStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `service-lane-${name}-`));
  const server = await startTemporalDevServer({ executable: process.env.TEMPORAL_CLI!, dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: 0, namespace: 'default', headless: true });
  const connection = await Connection.connect({ address: server.address });
  const workerConnection = await NativeConnection.connect({ address: server.address });
  // Encrypted like the product's payloads, so the numbers include the codec; the key dies with the run.
  const dataConverter = payloadDataConverter([newPayloadKey('bench')]);
  const options = lifecycleWorkerOptions(workerConnection, 'default', recordingActivities().activities, await prebuiltWorkflowBundle(SHARED_BUNDLE_CACHE), dataConverter);
  const worker = await Worker.create({ ...options, ...overrides });
  const running = worker.run();
  return {
    client: new Client({ connection, dataConverter }),
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

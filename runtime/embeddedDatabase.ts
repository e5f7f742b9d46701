import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedDatabase {
  url: string;
  /** Milliseconds the database session has spent on queries, as last reported (with `reportBusyEveryMs`). */
  busyMs(): number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL-compatible database persisted under dataDir, served on loopback over the Postgres protocol
 * from a thread of its own. It has one session, so it accepts one connection: the socket server would
 * interleave two connections' extended-protocol messages (parse, bind, execute) inside that session.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number, options: { reportBusyEveryMs?: number } = {}): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const thread = new Worker(path.join(__dirname, 'embeddedDatabaseThread.mjs'), {
    workerData: { dataDir: dir, port, reportBusyEveryMs: options.reportBusyEveryMs },
  });
  let busyMs = 0;
  thread.on('message', (message: { type?: string; busyMs?: number }) => {
    if (message.type === 'busy') busyMs = message.busyMs ?? busyMs;
  });
  await reply(thread, 'ready');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    busyMs: () => busyMs,
    async stop() {
      const stopped = reply(thread, 'stopped');
      thread.postMessage('stop');
      await stopped;
      await thread.terminate();
    },
  };
}

/** Resolves on the thread's message of that type; rejects when the thread fails or exits first. */
function reply(thread: Worker, type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`embedded database: ${err.message}`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`embedded database thread exited (${code}) before it was ${type}`));
    };
    const cleanup = () => thread.off('message', onMessage).off('error', onError).off('exit', onExit);
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

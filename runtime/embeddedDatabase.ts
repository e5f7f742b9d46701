import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedDatabase {
  url: string;
  /** Milliseconds the database session has spent on queries, as last reported (with `reportBusyEveryMs`). */
  busyMs(): number;
  /** Linux's id of the database thread, once it reported its busy time (with `reportBusyEveryMs`). */
  osThreadId(): string | undefined;
  stop(): Promise<void>;
}

/**
 * PostgreSQL-compatible database persisted under dataDir, served over the Postgres protocol from a
 * thread of its own. It has one session, so it accepts one connection: the socket server would
 * interleave two connections' extended-protocol messages (parse, bind, execute) inside that session.
 * It listens on a Unix socket, not TCP: every query is several small messages each way, and loopback
 * TCP cost two to three times the CPU per query (bench/README).
 */
export async function startEmbeddedDatabase(dataDir: string, options: { reportBusyEveryMs?: number } = {}): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const socketDir = await socketDirectoryFor(dir);
  const thread = new Worker(path.join(__dirname, 'embeddedDatabaseThread.mjs'), {
    workerData: { dataDir: dir, socketPath: path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), reportBusyEveryMs: options.reportBusyEveryMs },
  });
  let busyMs = 0;
  let tid: string | undefined;
  thread.on('message', (message: { type?: string; busyMs?: number; tid?: string }) => {
    if (message.type !== 'busy') return;
    busyMs = message.busyMs ?? busyMs;
    tid = message.tid ?? tid;
  });
  await reply(thread, 'ready');
  return {
    url: `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}&sslmode=disable`,
    busyMs: () => busyMs,
    osThreadId: () => tid,
    async stop() {
      const stopped = reply(thread, 'stopped');
      thread.postMessage('stop');
      await stopped;
      await thread.terminate();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

/** Postgres names a socket `.s.PGSQL.<port>` inside a directory; clients find it by both. */
const SOCKET_PORT = 5432;

/**
 * A short directory of its own per data directory: socket paths are limited to ~100 bytes, and the
 * data directory may be deep.
 */
async function socketDirectoryFor(dataDir: string): Promise<string> {
  const dir = path.join(tmpdir(), `service-lane-db-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
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

// Runs PGlite and its Postgres-protocol socket server on a thread of its own, so the database's
// WebAssembly work never competes with the API and the worker's activities for the main thread.
// Plain JavaScript: a worker thread does not inherit the TypeScript loader under every runner (jest).
import { existsSync, readlinkSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const { dataDir, socketPath, reportBusyEveryMs } = workerData;
await claimSocket(socketPath);
const db = await PGlite.create({ dataDir });
if (reportBusyEveryMs) reportBusyTime(db, reportBusyEveryMs);
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
await server.start();
parentPort.postMessage({ type: 'ready' });

parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  await server.stop();
  await db.close();
  parentPort.postMessage({ type: 'stopped' });
});

/**
 * The socket is named after the data directory, so a second process that would open the same files is
 * refused. A socket file nobody answers on was left by a process that died: it is removed.
 */
async function claimSocket(path) {
  if (!existsSync(path)) return;
  const live = await new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`the data directory ${dataDir} is already served by another process (socket ${path})`);
  unlinkSync(path);
}

/**
 * For measurements: every client's query runs through execProtocolRawStream, one at a time, so their
 * summed duration is how long the single session was occupied.
 */
function reportBusyTime(db, everyMs) {
  let busyMs = 0;
  const original = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = async (...args) => {
    const t0 = performance.now();
    try {
      return await original(...args);
    } finally {
      busyMs += performance.now() - t0;
    }
  };
  const tid = osThreadId();
  setInterval(() => parentPort.postMessage({ type: 'busy', busyMs, tid }), everyMs).unref();
}

/** Linux's id of this thread, so a measurement can tell its CPU time apart (/proc/<pid>/task/<tid>). */
function osThreadId() {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    return undefined;
  }
}

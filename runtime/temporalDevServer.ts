import { Connection } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { elapsedMs } from './clock';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/lifecycle/contract';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  /** The server's process, for the benchmarks that read its CPU time. */
  pid: number;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  executable: string;
  /** SQLite file; the server keeps every workflow there across restarts. */
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  headless?: boolean;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts `temporal server start-dev` and resolves once it answers on its gRPC port. */
export async function startTemporalDevServer(o: DevServerOptions): Promise<TemporalDevServer> {
  await mkdir(path.dirname(o.dbFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', o.dbFile,
    // WAL makes the SQLite store about ten times faster than its default journal.
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=NORMAL',
    '--ip', '127.0.0.1',
    '--port', String(o.port),
    '--namespace', o.namespace,
    '--log-level', 'error',
    // The single history shard reads its transfer and timer queues at most 20 times a second by
    // default, so every hand-over of a task to the worker waited 25–35 ms under steady traffic
    // (bench/README.md). A store's one server can afford to look more often.
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=200',
    '--dynamic-config-value', 'history.timerProcessorMaxPollRPS=200',
    ...(o.headless ? ['--headless'] : ['--ui-port', String(o.uiPort)]),
    ...SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
  ];
  const child = spawn(o.executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // A process that ends without stopping the server (an uncaught error, process.exit) must not leave it
  // holding the port and the database file for the next start.
  const stopWithUs = () => child.kill('SIGTERM');
  process.once('exit', stopWithUs);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const address = `127.0.0.1:${o.port}`;
  const deadline = elapsedMs() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      process.off('exit', stopWithUs);
      throw new Error(`temporal dev server exited (${child.exitCode}): ${stderr}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (elapsedMs() > deadline) {
        process.off('exit', stopWithUs);
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address} within 60 s: ${String(err)} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${o.uiPort}`,
    pid: child.pid!,
    async stop() {
      process.off('exit', stopWithUs);
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(killer);
    },
  };
}

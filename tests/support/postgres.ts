import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../runtime/freePort';

const execFileAsync = promisify(execFile);

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
  /** Stops the server as a power cut would (`pg_ctl -m immediate`: no checkpoint, recovery on the next start). */
  crash(): Promise<void>;
  /** Starts it again on the same data directory and port after `crash`. */
  restart(): Promise<void>;
}

const DATABASE = 'service_lane';

/**
 * A throw-away PostgreSQL server in its own temp dir, for tests that need the real thing
 * (constraint names, catalog types, advisory locks) rather than PGlite.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const binDir = await findServerBinDir();
  // initdb refuses to run as root, so under root every server command runs as the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileAsync('runuser', ['-u', 'postgres', '--', path.join(binDir, bin), ...args])
      : execFileAsync(path.join(binDir, bin), args);

  const baseDir = await mkdtemp(path.join(tmpdir(), 'service-lane-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'server.log');
  let started = false;
  const stop = async () => {
    try {
      if (started) {
        started = false;
        await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      }
    } finally {
      await rm(baseDir, { recursive: true, force: true });
    }
  };

  try {
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      await chown(baseDir, uid, gid);
    }
    await run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    // Settings go into postgresql.conf instead of `pg_ctl -o`, which pg_ctl re-parses through a shell.
    await appendFile(
      path.join(dataDir, 'postgresql.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${baseDir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    const start = async () => {
      try {
        await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
      } catch (error) {
        const log = await readFile(logFile, 'utf8').catch(() => '(no server log)');
        throw new Error(`PostgreSQL did not start on port ${port}:\n${log.slice(-2000)}`, { cause: error });
      }
      started = true;
    };
    await start();

    const admin = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    const crash = async () => {
      started = false;
      await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    };
    return { url: `postgresql://postgres@127.0.0.1:${port}/${DATABASE}`, stop, crash, restart: start };
  } catch (error) {
    // The startup failure is the error to report; a failed cleanup on top of it would only hide it.
    await stop().catch(() => undefined);
    throw error;
  }
}

async function findServerBinDir(): Promise<string> {
  const candidates: string[] = [];
  try {
    const { stdout } = await execFileAsync('pg_config', ['--bindir']);
    candidates.push(stdout.trim());
  } catch {
    // pg_config comes with libpq-dev, which a machine may lack even when the server is installed.
  }
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = (await readdir(debianRoot)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const found = candidates.find(
    (dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')),
  );
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found via `pg_config --bindir` or in ' +
        '/usr/lib/postgresql/*/bin. Run the README test command; it installs postgresql.',
    );
  }
  return found;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error(
      'Running as root needs a `postgres` OS user to own the test server (initdb refuses root). ' +
        'Run the README test command; it installs postgresql, which creates that user.',
      { cause: error },
    );
  }
}

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../runtime/embeddedDatabase';

describe('embedded database on its own thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sl-embedded-db-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the Postgres protocol and keeps what was written across a restart', async () => {
    let database = await startEmbeddedDatabase(dir);
    let client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE visit (plate text PRIMARY KEY, km int NOT NULL)');
    await client.query('INSERT INTO visit VALUES ($1, $2)', ['苏F12345', 3100]);
    await client.end();
    await database.stop();

    database = await startEmbeddedDatabase(dir);
    client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('SELECT plate, km FROM visit');
    await client.end();
    await database.stop();
    expect(rows).toEqual([{ plate: '苏F12345', km: 3100 }]);
  });

  it('reports how long its session was busy, and its thread, for the benchmarks, only when asked', async () => {
    const database = await startEmbeddedDatabase(path.join(dir, 'busy'), { reportBusyEveryMs: 20 });
    const client = new Client({ connectionString: database.url });
    try {
      await client.connect();
      await client.query('SELECT count(*) FROM generate_series(1, 200000)');
      for (let i = 0; i < 100 && database.busyMs() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(database.busyMs()).toBeGreaterThan(0);
      // The benchmark reads this thread's CPU time under /proc/self/task/<id>.
      expect(existsSync(`/proc/self/task/${database.osThreadId()}`)).toBe(true);
      expect(database.osThreadId()).not.toBe(String(process.pid));
    } finally {
      await client.end();
      await database.stop();
    }
  });

  it('refuses to open a data directory another process is serving, instead of sharing its files', async () => {
    const first = await startEmbeddedDatabase(path.join(dir, 'a'));
    try {
      await expect(startEmbeddedDatabase(path.join(dir, 'a'))).rejects.toThrow(/already served by another process/);
    } finally {
      await first.stop();
    }
  });

  it('takes over the socket a killed process left behind', async () => {
    const killed = await startEmbeddedDatabase(path.join(dir, 'c'));
    const socketDir = decodeURIComponent(new URL(killed.url).searchParams.get('host')!);
    await killed.stop();
    // A process killed with SIGKILL cannot remove its socket file; a plain file stands in for it.
    await mkdir(socketDir, { recursive: true });
    await writeFile(path.join(socketDir, '.s.PGSQL.5432'), '');
    const database = await startEmbeddedDatabase(path.join(dir, 'c'));
    const client = new Client({ connectionString: database.url });
    try {
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
      await database.stop();
    }
  });
});

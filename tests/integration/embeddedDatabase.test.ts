import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../runtime/embeddedDatabase';
import { freePort } from '../../runtime/freePort';

describe('embedded database on its own thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sl-embedded-db-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the Postgres protocol and keeps what was written across a restart', async () => {
    const port = await freePort();
    let database = await startEmbeddedDatabase(dir, port);
    let client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE visit (plate text PRIMARY KEY, km int NOT NULL)');
    await client.query('INSERT INTO visit VALUES ($1, $2)', ['苏F12345', 3100]);
    await client.end();
    await database.stop();

    database = await startEmbeddedDatabase(dir, port);
    client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('SELECT plate, km FROM visit');
    await client.end();
    await database.stop();
    expect(rows).toEqual([{ plate: '苏F12345', km: 3100 }]);
  });

  it('reports how long its session was busy, for the benchmarks, only when asked', async () => {
    const database = await startEmbeddedDatabase(path.join(dir, 'busy'), await freePort(), { reportBusyEveryMs: 20 });
    const client = new Client({ connectionString: database.url });
    try {
      await client.connect();
      await client.query('SELECT count(*) FROM generate_series(1, 200000)');
      for (let i = 0; i < 100 && database.busyMs() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(database.busyMs()).toBeGreaterThan(0);
    } finally {
      await client.end();
      await database.stop();
    }
  });

  it('reports a port already taken instead of hanging', async () => {
    const port = await freePort();
    const first = await startEmbeddedDatabase(path.join(dir, 'a'), port);
    try {
      await expect(startEmbeddedDatabase(path.join(dir, 'b'), port)).rejects.toThrow(/embedded database/);
    } finally {
      await first.stop();
    }
  });
});

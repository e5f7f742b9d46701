import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Applies prisma/migrations the way `prisma migrate deploy` does, without the schema-engine binary
 * (which cannot be downloaded everywhere we run) and over a single connection (the embedded
 * PGlite socket accepts only one). The bookkeeping is Prisma's own, so the Prisma CLI and this
 * runner can take turns on the same database.
 */

// Prisma Migrate's advisory lock key: holding the same one keeps this runner and the CLI apart.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// Verbatim the DDL the schema engine uses, so a table created here looks the same to the CLI.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies every pending migration in `migrationsDir` and returns the names it applied, in order. */
export async function applyMigrations(
  connectionString: string,
  migrationsDir = defaultMigrationsDir(),
): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<MigrationRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
      );
      const pending = pendingMigrations(migrations, rows);
      for (const migration of pending) {
        await applyOne(client, migration);
      }
      return pending.map((migration) => migration.name);
    } finally {
      // On a broken connection this fails too; ending the session releases the lock anyway, and the
      // error worth reporting is the one that broke it.
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

function pendingMigrations(migrations: MigrationFile[], rows: MigrationRow[]): MigrationFile[] {
  // A row Prisma left unfinished means the database is in an unknown state (Prisma error P3009).
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} was started but never finished, so the database may be half-migrated. ` +
        'Inspect and repair it, then mark the row with `prisma migrate resolve --applied` or `--rolled-back`.',
    );
  }

  const applied = new Map(
    rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
  );
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new Error(
        `Migration ${migration.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
          `${migration.checksum} on disk). Restore the applied file and put the change in a new migration.`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, migration_name, applied_steps_count) VALUES ($1, $2, $3, 0)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    // clock_timestamp, not now(): now() is frozen at the transaction start, which is started_at.
    await client.query(
      'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    // If ROLLBACK fails the connection is gone, which discards the transaction just the same.
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}

async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  // Code-unit order, as Prisma sorts migration directory names; localeCompare could reorder them.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const content = await readFile(path.join(migrationsDir, name, 'migration.sql'));
      return {
        name,
        sql: content.toString('utf8'),
        checksum: createHash('sha256').update(content).digest('hex'),
      };
    }),
  );
}

function defaultMigrationsDir(): string {
  // Walk up to the package root rather than assume a depth: compiled output sits deeper (dist/runtime).
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No package.json above ${__dirname}; pass migrationsDir explicitly.`);
    }
    dir = parent;
  }
  return path.join(dir, 'prisma', 'migrations');
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set.');
    process.exit(1);
  }
  applyMigrations(url).then(
    (applied) => {
      console.log(
        applied.length === 0
          ? 'No pending migrations.'
          : `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}`,
      );
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}

/**
 * The SQL migrations are written by hand (the schema engine cannot run here), so this test is what
 * keeps them honest: it migrates a real PostgreSQL and compares the catalog with what Prisma Migrate
 * would create for prisma/schema.prisma. The expected side comes from the schema's DMMF, parsed by
 * the same Wasm build the Prisma CLI bundles, so a schema change without a migration fails here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, type TestPostgres } from '../support/postgres';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');
const MIGRATIONS_TABLE = '_prisma_migrations';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string;
  fields: { name: string }[];
}

interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
}

interface ColumnShape {
  type: string;
  nullable: boolean;
  default: unknown;
}

interface IndexShape {
  table: string;
  unique: boolean;
  method: string;
  columns: string[];
}

interface ForeignKeyShape {
  table: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

const datamodel = loadDatamodel();
const modelsByName = new Map(datamodel.models.map((model) => [model.name, model]));

function loadDatamodel(): Datamodel {
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[SCHEMA_PATH, schema]] }))).datamodel;
}

const tableOf = (model: DmmfModel) => model.dbName ?? model.name;

function columnOf(model: DmmfModel, fieldName: string): string {
  const field = model.fields.find((candidate) => candidate.name === fieldName);
  if (!field) throw new Error(`${model.name}.${fieldName} is not in the DMMF`);
  return field.dbName ?? field.name;
}

// Types as Postgres' format_type() prints them, for what Prisma maps each scalar to by default.
const DEFAULT_COLUMN_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const withArgs = (name: string, args: string[]) => (args.length > 0 ? `${name}(${args.join(',')})` : name);

const NATIVE_COLUMN_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  VarChar: (args) => withArgs('character varying', args),
  Char: (args) => withArgs('character', args),
  Uuid: () => 'uuid',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: (args) => withArgs('numeric', args),
  Boolean: () => 'boolean',
  Date: () => 'date',
  Time: (args) => `${withArgs('time', args)} without time zone`,
  Timestamp: (args) => `${withArgs('timestamp', args)} without time zone`,
  Timestamptz: (args) => `${withArgs('timestamp', args)} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
};

function expectedColumnType(model: DmmfModel, field: DmmfField): string {
  if (field.isList || field.kind === 'unsupported') {
    throw new Error(`${model.name}.${field.name}: lists and Unsupported types are not mapped by this test yet`);
  }
  if (field.kind === 'enum') {
    const enumDef = datamodel.enums.find((candidate) => candidate.name === field.type);
    return enumDef?.dbName ?? field.type;
  }
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const mapType = NATIVE_COLUMN_TYPES[name];
    if (!mapType) throw new Error(`${model.name}.${field.name}: add @db.${name} to NATIVE_COLUMN_TYPES`);
    return mapType(args);
  }
  const type = DEFAULT_COLUMN_TYPES[field.type];
  if (!type) throw new Error(`${model.name}.${field.name}: no default column type for ${field.type}`);
  return type;
}

// Prisma Client computes these itself, so the column gets no database default.
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function expectedDefault(field: DmmfField): unknown {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (typeof value === 'object' && value !== null && 'name' in value) {
    const fn = String(value.name);
    if (CLIENT_SIDE_DEFAULTS.has(fn)) return null;
    if (fn === 'now') return 'CURRENT_TIMESTAMP';
    if (fn === 'autoincrement') return 'autoincrement';
    return expect.anything();
  }
  return normalizeLiteral(field.type, String(value));
}

// Compares a literal default by value, so formatting differences (jsonb spacing, 0 vs 0.0) do not matter.
function normalizeLiteral(type: string, text: string): unknown {
  if (type === 'Json') return JSON.parse(text);
  if (type === 'Float' || type === 'Decimal') return Number(text);
  return text;
}

function expectedColumns(model: DmmfModel): Record<string, ColumnShape> {
  return Object.fromEntries(
    model.fields
      .filter((field) => field.kind !== 'object')
      .map((field) => [
        field.dbName ?? field.name,
        { type: expectedColumnType(model, field), nullable: !field.isRequired, default: expectedDefault(field) },
      ]),
  );
}

function conventionalIndexName(table: string, columns: string[], suffix: string): string {
  return `${table}_${columns.join('_')}_${suffix}`;
}

function expectedPrimaryKeys(): Record<string, { name: string; columns: string[] }> {
  return Object.fromEntries(
    datamodel.indexes
      .filter((index) => index.type === 'id')
      .map((index) => {
        const model = modelsByName.get(index.model)!;
        const table = tableOf(model);
        return [table, { name: index.dbName ?? `${table}_pkey`, columns: index.fields.map((f) => columnOf(model, f.name)) }];
      }),
  );
}

function expectedIndexes(): Record<string, IndexShape> {
  return Object.fromEntries(
    datamodel.indexes
      .filter((index) => index.type === 'unique' || index.type === 'normal')
      .map((index) => {
        const model = modelsByName.get(index.model)!;
        const table = tableOf(model);
        const columns = index.fields.map((f) => columnOf(model, f.name));
        const unique = index.type === 'unique';
        const name = index.dbName ?? conventionalIndexName(table, columns, unique ? 'key' : 'idx');
        return [name, { table, unique, method: 'btree', columns }];
      }),
  );
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

function expectedForeignKeys(): Record<string, ForeignKeyShape> {
  const entries: [string, ForeignKeyShape][] = [];
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = modelsByName.get(field.type)!;
      const table = tableOf(model);
      const columns = field.relationFromFields.map((name) => columnOf(model, name));
      // Prisma's defaults: an optional relation nulls out on delete, a required one blocks it.
      const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
      entries.push([
        conventionalIndexName(table, columns, 'fkey'),
        {
          table,
          columns,
          referencedTable: tableOf(target),
          referencedColumns: (field.relationToFields ?? []).map((name) => columnOf(target, name)),
          onDelete: REFERENTIAL_ACTIONS[onDelete],
          onUpdate: REFERENTIAL_ACTIONS[field.relationOnUpdate ?? 'Cascade'],
        },
      ]);
    }
  }
  return Object.fromEntries(entries);
}

const PG_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

async function readCatalog(client: Client) {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> $1`,
    [MIGRATIONS_TABLE],
  );

  const columnRows = await client.query<{
    table: string;
    column: string;
    type: string;
    nullable: boolean;
    default_expr: string | null;
  }>(
    `SELECT c.relname AS table, a.attname AS column,
            CASE WHEN t.typtype = 'e' THEN t.typname::text ELSE format_type(a.atttypid, a.atttypmod) END AS type,
            NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_expr
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> $1 AND a.attnum > 0 AND NOT a.attisdropped`,
    [MIGRATIONS_TABLE],
  );
  const columns: Record<string, Record<string, ColumnShape>> = {};
  for (const row of columnRows.rows) {
    (columns[row.table] ??= {})[row.column] = {
      type: row.type,
      nullable: row.nullable,
      default: await normalizeDefault(client, row.default_expr, columnTypeOf(row.table, row.column)),
    };
  }

  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`,
  );

  const primaryKeys = await client.query<{ name: string; table: string; columns: string[] }>(
    `SELECT con.conname::text AS name, c.relname::text AS table, array_agg(a.attname::text ORDER BY k.ord) AS columns
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND con.contype = 'p' AND c.relname <> $1
     GROUP BY con.conname, c.relname`,
    [MIGRATIONS_TABLE],
  );

  const indexes = await client.query<{ name: string } & IndexShape>(
    `SELECT i.relname::text AS name, c.relname::text AS table, ix.indisunique AS unique, am.amname::text AS method,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_class c ON c.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_am am ON am.oid = i.relam
     CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND NOT ix.indisprimary AND c.relname <> $1
     GROUP BY i.relname, c.relname, ix.indisunique, am.amname`,
    [MIGRATIONS_TABLE],
  );

  const foreignKeys = await client.query<{
    name: string;
    table: string;
    columns: string[];
    referenced_table: string;
    referenced_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT con.conname::text AS name, c.relname::text AS table, r.relname::text AS referenced_table,
            array_agg(a.attname::text ORDER BY k.ord) AS columns,
            array_agg(ra.attname::text ORDER BY k.ord) AS referenced_columns,
            con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_class r ON r.oid = con.confrelid
     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, ref_attnum, ord)
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
     JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.ref_attnum
     WHERE n.nspname = 'public' AND con.contype = 'f'
     GROUP BY con.conname, c.relname, r.relname, con.confdeltype, con.confupdtype`,
  );

  return {
    tables: tables.rows.map((row) => row.name).sort(),
    columns,
    enums: Object.fromEntries(enums.rows.map((row) => [row.name, row.values])),
    primaryKeys: Object.fromEntries(primaryKeys.rows.map(({ table, name, columns }) => [table, { name, columns }])),
    indexes: Object.fromEntries(indexes.rows.map(({ name, ...shape }) => [name, shape])),
    foreignKeys: Object.fromEntries(
      foreignKeys.rows.map((row): [string, ForeignKeyShape] => [
        row.name,
        {
          table: row.table,
          columns: row.columns,
          referencedTable: row.referenced_table,
          referencedColumns: row.referenced_columns,
          onDelete: PG_ACTIONS[row.on_delete],
          onUpdate: PG_ACTIONS[row.on_update],
        },
      ]),
    ),
  };
}

// The Prisma scalar type behind a table column, when the schema has one, to compare literals by value.
function columnTypeOf(table: string, column: string): string | undefined {
  const model = datamodel.models.find((candidate) => tableOf(candidate) === table);
  return model?.fields.find((field) => (field.dbName ?? field.name) === column)?.type;
}

async function normalizeDefault(client: Client, expression: string | null, prismaType: string | undefined) {
  if (expression === null) return null;
  if (expression === 'CURRENT_TIMESTAMP') return expression;
  if (expression.startsWith('nextval(')) return 'autoincrement';
  // Let Postgres evaluate the stored expression ('{}'::jsonb, 'OPEN'::"TaskStatus", …) to its value.
  const { rows } = await client.query<{ value: string }>(`SELECT (${expression})::text AS value`);
  return normalizeLiteral(prismaType ?? 'String', rows[0].value);
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

async function migrationFiles(): Promise<{ name: string; checksum: string }[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map(async (name) => ({
        name,
        checksum: sha256(await readFile(path.join(MIGRATIONS_DIR, name, 'migration.sql'))),
      })),
  );
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'service-lane-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('prisma/migrations against schema.prisma (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let client: Client;
  let firstRun: string[];
  let catalog: Awaited<ReturnType<typeof readCatalog>>;
  const scratchDirs: string[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    firstRun = await applyMigrations(pg.url);
    client = new Client({ connectionString: pg.url });
    await client.connect();
    catalog = await readCatalog(client);
  });

  afterAll(async () => {
    await client?.end();
    await pg?.stop();
    await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test('the first run applies every migration directory, in name order', async () => {
    expect(firstRun).toEqual((await migrationFiles()).map((migration) => migration.name));
  });

  describe('schema', () => {
    test('every model has a table, and every table a model', () => {
      expect(catalog.tables).toEqual(datamodel.models.map(tableOf).sort());
    });

    test.each(datamodel.models.map((model) => [model.name, model] as const))(
      '%s: columns have the Postgres types, nullability and defaults Prisma would create',
      (_name, model) => {
        expect(catalog.columns[tableOf(model)]).toEqual(expectedColumns(model));
      },
    );

    test('enums exist with the values of schema.prisma, in order', () => {
      const expected = Object.fromEntries(
        datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((value) => value.dbName ?? value.name)]),
      );
      expect(catalog.enums).toEqual(expected);
    });

    test('primary keys match @id / @@id, with Prisma constraint names', () => {
      expect(catalog.primaryKeys).toEqual(expectedPrimaryKeys());
    });

    test('unique and plain indexes match @unique / @@unique / @@index, with Prisma index names', () => {
      expect(catalog.indexes).toEqual(expectedIndexes());
    });

    test('foreign keys match the relations, with Prisma names and referential actions', () => {
      expect(catalog.foreignKeys).toEqual(expectedForeignKeys());
    });
  });

  describe('bookkeeping in _prisma_migrations', () => {
    test('each migration has a finished row with the sha256 of its migration.sql, as prisma migrate deploy writes', async () => {
      const { rows } = await client.query(
        `SELECT id, migration_name, checksum, started_at, finished_at, rolled_back_at, logs, applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows).toEqual(
        (await migrationFiles()).map(({ name, checksum }) => ({
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          migration_name: name,
          checksum,
          started_at: expect.any(Date),
          finished_at: expect.any(Date),
          rolled_back_at: null,
          logs: null,
          applied_steps_count: 1,
        })),
      );
      for (const row of rows) expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    });

    test('the table has the columns and types Prisma creates it with', async () => {
      const { rows } = await client.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable
         FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [MIGRATIONS_TABLE],
      );
      expect(rows.map((row) => [row.column_name, row.data_type, row.character_maximum_length, row.is_nullable])).toEqual([
        ['id', 'character varying', 36, 'NO'],
        ['checksum', 'character varying', 64, 'NO'],
        ['finished_at', 'timestamp with time zone', null, 'YES'],
        ['migration_name', 'character varying', 255, 'NO'],
        ['logs', 'text', null, 'YES'],
        ['rolled_back_at', 'timestamp with time zone', null, 'YES'],
        ['started_at', 'timestamp with time zone', null, 'NO'],
        ['applied_steps_count', 'integer', null, 'NO'],
      ]);
    });

    test('re-running applies nothing', async () => {
      await expect(applyMigrations(pg.url)).resolves.toEqual([]);
      const { rows } = await client.query('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(rows[0].n).toBe(firstRun.length);
    });

    test('a migration.sql edited after it was applied is refused (checksum mismatch)', async () => {
      const dir = await copyOfMigrations();
      scratchDirs.push(dir);
      await appendFile(path.join(dir, firstRun[0], 'migration.sql'), '\n-- edited after deploy\n');
      await expect(applyMigrations(pg.url, dir)).rejects.toThrow(/was modified after it was applied/);
    });

    test('an unfinished migration row blocks further runs until it is resolved', async () => {
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, applied_steps_count)
         VALUES (gen_random_uuid()::text, $1, '20000101000000_half_done', 0)`,
        ['0'.repeat(64)],
      );
      try {
        await expect(applyMigrations(pg.url)).rejects.toThrow(/20000101000000_half_done was started but never finished/);
      } finally {
        await client.query(`DELETE FROM _prisma_migrations WHERE migration_name = '20000101000000_half_done'`);
      }
    });

    test('a failing migration is rolled back whole and leaves no row behind', async () => {
      const dir = await copyOfMigrations();
      scratchDirs.push(dir);
      await mkdir(path.join(dir, '29991231000000_fails'));
      await writeFile(
        path.join(dir, '29991231000000_fails', 'migration.sql'),
        'CREATE TABLE "ShouldNotSurvive" ("id" INTEGER);\nSELECT 1 / 0;\n',
      );
      await expect(applyMigrations(pg.url, dir)).rejects.toThrow(/29991231000000_fails failed and was rolled back: division by zero/);
      const { rows } = await client.query(
        `SELECT to_regclass('"ShouldNotSurvive"') AS leftover,
                (SELECT count(*)::int FROM _prisma_migrations WHERE migration_name = '29991231000000_fails') AS recorded`,
      );
      expect(rows[0]).toEqual({ leftover: null, recorded: 0 });
    });

    test('two concurrent runs on a fresh database apply each migration exactly once (advisory lock)', async () => {
      await client.query('CREATE DATABASE service_lane_race');
      const raceUrl = pg.url.replace(/\/service_lane$/, '/service_lane_race');
      const runs = await Promise.all([applyMigrations(raceUrl), applyMigrations(raceUrl)]);
      expect(runs.flat()).toEqual(firstRun);
    });
  });
});

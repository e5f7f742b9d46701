// The audit log is append-only and tamper-evident on a real PostgreSQL: a trigger chains each
// vehicle's events by hash, UPDATE/DELETE/TRUNCATE are refused, and `npm run audit:verify` (and the
// auditor's page, through the same verifier) finds any record changed or removed behind its back.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { auditedStep } from '../../activities/auditedStep';
import { createDb, Db } from '../../activities/database';
import { CHAIN_ROWS_SQL, ChainRow, STORE_CHAIN_ROWS_SQL, StoreChainRow, verifyChainRows, verifyStoreChainRows } from '../../api/audit/verifyChain';
import { recordStoreEvent } from '../../commands/storeAudit';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, TestPostgres } from '../support/postgres';

const ROOT = path.resolve(__dirname, '../..');
const MIGRATIONS = path.join(ROOT, 'prisma/migrations');
const CHAIN_MIGRATION = '20261122100000_sign_in_audit_chain';
const VINS = ['LFV2A21K8P4000401', 'LFV2A21K8P4000402'];

let postgres: TestPostgres;
let db: Db;
let sql: Client;

const verify = async () => verifyChainRows((await sql.query<ChainRow>(CHAIN_ROWS_SQL)).rows);

beforeAll(async () => {
  postgres = await startPostgres();
  // Migrate up to just before the chain, with events already recorded, to check the backfill too.
  const before = await mkdtemp(path.join(tmpdir(), 'service-lane-migrations-'));
  for (const name of (await readdir(MIGRATIONS, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name < CHAIN_MIGRATION).map((e) => e.name)) {
    await cp(path.join(MIGRATIONS, name), path.join(before, name), { recursive: true });
  }
  await applyMigrations(postgres.url, before);
  await rm(before, { recursive: true, force: true });
  sql = new Client({ connectionString: postgres.url });
  await sql.connect();
  await sql.query(`INSERT INTO "Store" (id, name) VALUES ('s1', 'S1')`);
  await sql.query(`INSERT INTO "Customer" (id, "storeId", name, phone) VALUES ('c1', 's1', '王', '13900000401')`);
  for (const vin of VINS) {
    await sql.query(
      `INSERT INTO "Vehicle" (vin, plate, model, "storeId", "customerId", "deliveryDate", "mileageKm", "mileageRecordedAt", "avgDailyKm", "workflowId", "updatedAt")
       VALUES ($1, 'P', 'M', 's1', 'c1', '2026-01-01', 1, now(), 1, $2, now())`,
      [vin, `vehicle-${vin}`],
    );
  }
  await sql.query(`INSERT INTO "AuditEvent" ("idempotencyKey", vin, "workflowId", "runId", cycle, action, actor, "occurredAt", data) VALUES ('old-1', $1, 'w', 'r', 1, 'vehicle.registered', 'sa-1', now(), '{"a":1}'), ('old-2', $1, 'w', 'r', 1, 'task.opened', 'system', now(), '{}')`, [VINS[0]]);
  const later = (await readdir(MIGRATIONS, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name >= CHAIN_MIGRATION).map((e) => e.name).sort();
  expect(await applyMigrations(postgres.url)).toEqual(later);
  expect(later[0]).toBe(CHAIN_MIGRATION);
  db = createDb(postgres.url);
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await db?.$disconnect();
  await postgres?.stop();
});

test('events recorded before the migration joined their vehicle chain; new steps extend it', async () => {
  for (const [i, vin] of VINS.entries()) {
    const ctx = { workflowId: `vehicle-${vin}`, runId: 'run-1', vin, cycle: 1, at: new Date(Date.UTC(2026, 10, 22, 3, i)).toISOString() };
    await auditedStep(db, ctx, { step: 'confirm', action: 'booking.confirmed', rule: 'R7', actor: 'sa-1', data: { note: '客户确认' } }, async () => ({ ok: true }));
    await auditedStep(db, ctx, { step: 'check-in', action: 'vehicle.checked-in', rule: 'R12', actor: 'sa-1', data: { mileageKm: 1200 } }, async () => null);
  }
  const rows = (await sql.query<ChainRow>(CHAIN_ROWS_SQL)).rows;
  expect(rows.filter((r) => r.vin === VINS[0]).map((r) => [r.chainSeq, r.action])).toEqual([
    [1, 'vehicle.registered'],
    [2, 'task.opened'],
    [3, 'booking.confirmed'],
    [4, 'vehicle.checked-in'],
  ]);
  expect(rows.filter((r) => r.vin === VINS[1]).map((r) => r.chainSeq)).toEqual([1, 2]);
  expect(await verify()).toEqual({ events: 6, vehicles: 2, problems: [] });
});

test('UPDATE, DELETE and TRUNCATE of the audit log are refused', async () => {
  await expect(sql.query(`UPDATE "AuditEvent" SET actor = 'someone-else'`)).rejects.toThrow(/append-only: UPDATE/);
  await expect(sql.query(`DELETE FROM "AuditEvent" WHERE action = 'booking.confirmed'`)).rejects.toThrow(/append-only: DELETE/);
  await expect(sql.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE/);
  await expect(db.auditEvent.deleteMany({})).rejects.toThrow();
  expect((await verify()).problems).toEqual([]);
});

test("a store's own changes (settings, templates, channels, staff) form the store's chain, append-only", async () => {
  await sql.query(`INSERT INTO "Store" (id, name) VALUES ('s2', 'S2')`);
  const at = new Date(Date.UTC(2026, 11, 7, 2));
  await recordStoreEvent(db, { storeId: 's1', action: 'store-settings.changed', actor: 'sm-1', at, data: { changed: { reminderLeadDays: 14 } } });
  await recordStoreEvent(db, { storeId: 's1', action: 'channel.configured', actor: 'sm-1', at, data: { channel: 'SMS', enabled: true } });
  await recordStoreEvent(db, { storeId: 's2', action: 'template.saved', actor: 'cm-2', at, data: { key: 'maintenance-reminder', locale: 'zh-CN' } });
  const rows = (await sql.query<StoreChainRow>(STORE_CHAIN_ROWS_SQL)).rows;
  expect(rows.map((r) => [r.storeId, r.chainSeq, r.action])).toEqual([
    ['s1', 1, 'store-settings.changed'],
    ['s1', 2, 'channel.configured'],
    ['s2', 1, 'template.saved'],
  ]);
  expect(verifyStoreChainRows(rows)).toEqual({ events: 3, stores: 2, problems: [] });
  await expect(sql.query(`UPDATE "StoreAuditEvent" SET actor = 'someone-else'`)).rejects.toThrow(/append-only: UPDATE/);
  await expect(sql.query(`DELETE FROM "StoreAuditEvent"`)).rejects.toThrow(/append-only: DELETE/);
  expect(verifyStoreChainRows([rows[0], { ...rows[1], data: '{"channel": "EMAIL"}' }]).problems).toEqual([expect.stringContaining('altered')]);
});

test('audit:verify passes on an intact log and names what someone with the power to disable the trigger altered', async () => {
  const run = promisify(execFile);
  const command = () => run(path.join(ROOT, 'node_modules/.bin/tsx'), ['runtime/auditVerify.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: postgres.url } });
  const intact = await command();
  expect(intact.stdout).toContain('6 events of 2 vehicles and 3 events of 2 stores checked');
  expect(intact.stdout).toContain('every chain is intact');

  await sql.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update`);
  await sql.query(`UPDATE "AuditEvent" SET actor = 'someone-else' WHERE vin = $1 AND action = 'booking.confirmed'`, [VINS[0]]);
  await sql.query(`DELETE FROM "AuditEvent" WHERE vin = $1 AND action = 'booking.confirmed'`, [VINS[1]]);
  await sql.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_no_update`);

  const report = await verify();
  expect(report.problems).toEqual([
    expect.stringMatching(new RegExp(`${VINS[0]} #3 booking.confirmed\\).*altered`)),
    expect.stringMatching(new RegExp(`${VINS[1]} #2 vehicle.checked-in\\).*expected position 1`)),
    expect.stringMatching(new RegExp(`${VINS[1]} #2 vehicle.checked-in\\).*does not link`)),
  ]);
  await expect(command()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('the record was altered') });
});

// Runs an import: each planned row written through the command logic it was planned with, a few rows at
// a time (workflow starts rate-limited, ./startRate.ts), each row marked done after it is applied. Every write is idempotent (a car by VIN: registering a running
// one changes nothing; a customer by DMS id, else phone; a visit by repair-order number and date), so a
// row applied again after a crash — the run died between its write and its mark — creates nothing twice,
// and the same file imported twice plans nothing but "unchanged". A run holds its job by a lease: a second
// run waits until it ends, and after a crash the next run takes the job over where it stopped.
import type { Principal } from '../api/auth/principal';
import { HttpError } from '../api/httpError';
import type { CommandContext, CommandDeps } from '../commands/command';
import { reasonIn } from '../commands/reasons';
import { registerVehicleCommand, vinStanding } from '../commands/registration';
import { recordStoreEvent } from '../commands/storeAudit';
import type { ImportJob, ImportRow } from '../generated/prisma/client';
import { CustomerConflict, writeCustomer } from './customers';
import { progressOf } from './jobs';
import type { RowAction } from './plan';
import type { RowInput, RowReason } from './rows';
import { rateLimited } from './startRate';

/** How long a run holds its job without renewing; a crashed run's job is free again after it. */
export const LEASE_MS = 60_000;

interface Applied {
  outcome?: RowAction;
  reasons?: RowReason[];
}

const refusedBy = (reason: RowReason): Applied => ({ outcome: 'REFUSED', reasons: [reason] });

/** A command's refusal at run time (the store changed since the plan): the row is refused with it. */
function refusal(err: unknown, column: string | undefined, field: string): Applied {
  if (err instanceof CustomerConflict) return refusedBy(err.reason);
  if (err instanceof HttpError && err.status < 500) return refusedBy({ column, field, message: err.message, zh: reasonIn('zh', err.message) });
  throw err;
}

async function applyRow(ctx: CommandContext, job: Omit<ImportJob, 'content'>, row: ImportRow): Promise<Applied> {
  if (row.action !== 'CREATE' && row.action !== 'UPDATE') return {};
  const input = row.input as unknown as RowInput;
  const mapping = job.mapping as Record<string, string>;
  const { db } = ctx;
  try {
    if (input.kind === 'CUSTOMERS') {
      await db.$transaction((tx) => writeCustomer(tx, job.storeId, input.dmsCustomerId, input.customer));
      return {};
    }
    if (input.kind === 'HISTORY') {
      const v = input.visit;
      await vinStanding(ctx, v.vin, job.storeId);
      const fields = { vin: v.vin, mileageKm: v.mileageKm, description: v.description, amountCny: v.amountCny, importJobId: job.id };
      const key = { storeId: job.storeId, repairOrderNo: v.repairOrderNo, serviceDate: new Date(v.serviceDate) };
      await db.serviceVisit.upsert({ where: { storeId_repairOrderNo_serviceDate: key }, create: { ...key, ...fields }, update: fields });
      return {};
    }
    const registration = { ...input.registration, ...(row.contactOn ? { firstContactOn: row.contactOn.toISOString().slice(0, 10) } : {}) };
    // The VIN is checked before the customer is written, so a car refused now leaves no customer behind.
    if (row.action === 'CREATE') await vinStanding(ctx, registration.vin, job.storeId);
    await db.$transaction((tx) => writeCustomer(tx, job.storeId, input.dmsCustomerId, registration.customer));
    if (row.action === 'CREATE') await registerVehicleCommand.run(ctx, {}, registration);
    return {};
  } catch (err) {
    return refusal(err, mapping.vin ?? mapping.phone, input.kind === 'CUSTOMERS' ? 'phone' : 'vin');
  }
}

/** Takes the job for a run: false when another run holds it, or it is done. */
export async function claimJob(deps: Pick<CommandDeps, 'db'>, jobId: string, at: Date): Promise<Date | undefined> {
  const leaseUntil = new Date(at.getTime() + LEASE_MS);
  const { count } = await deps.db.importJob.updateMany({
    where: { id: jobId, status: { not: 'DONE' }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }] },
    data: { leaseUntil, lastError: null },
  });
  return count ? leaseUntil : undefined;
}

/** Rows applied at once. Rows of one customer share a lane, so two of them never create that customer together. */
const LANES = 4;
/** Rows per batch; the lease is renewed between batches, well within LEASE_MS at any start rate. */
const BATCH = 50;

function laneOf(row: ImportRow): number {
  const input = row.input as unknown as RowInput | null;
  const key = !input ? '' : input.kind === 'VEHICLES' ? input.registration.customer.phone : input.kind === 'CUSTOMERS' ? input.customer.phone : String(row.row);
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % LANES;
}

/**
 * The run itself, from the rows not done to the end; returns when the job is done, or throws when a row
 * could not be applied for a reason that is not the row's (an outage): the job keeps its progress, records
 * why, lets go of its lease, and the next run goes on from there.
 */
export async function runRows(deps: CommandDeps, principal: Principal, jobId: string, lease: Date): Promise<void> {
  const { db, clock } = deps;
  const ctx = (): CommandContext => ({ ...deps, client: rateLimited(deps.client), principal, at: clock.now() });
  let held = lease;
  const job = await db.importJob.findUniqueOrThrow({ where: { id: jobId }, omit: { content: true } });
  const apply = async (row: ImportRow) => {
    const applied = await applyRow(ctx(), job, row);
    await db.importRow.update({ where: { jobId_row: { jobId, row: row.row } }, data: { doneAt: clock.now(), outcome: applied.outcome, ...(applied.reasons ? { reasons: applied.reasons as never } : {}) } });
  };
  try {
    for (;;) {
      const batch = await db.importRow.findMany({ where: { jobId, doneAt: null }, orderBy: { row: 'asc' }, take: BATCH });
      if (batch.length === 0) break;
      const lanes = Array.from({ length: LANES }, (_, lane) => batch.filter((r) => laneOf(r) === lane));
      const outcomes = await Promise.allSettled(
        lanes.map(async (rows) => {
          for (const row of rows) await apply(row);
        }),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      const next = new Date(clock.now().getTime() + LEASE_MS);
      // Fenced on the lease we hold: a run that stalled past it finds its job taken over and stops.
      const { count } = await db.importJob.updateMany({ where: { id: jobId, leaseUntil: held }, data: { leaseUntil: next } });
      if (!count) throw new Error('another run took this import over');
      held = next;
    }
    const at = clock.now();
    // Counted before the transaction: every row is done, and on a one-connection pool (the embedded
    // database) a read outside the transaction would wait for the connection the transaction holds.
    const { counts } = await progressOf(db, { ...job, status: 'DONE' }, at);
    await db.$transaction(async (tx) => {
      await tx.importJob.update({ where: { id: jobId }, data: { status: 'DONE', finishedAt: at, leaseUntil: null } });
      await recordStoreEvent(tx, { storeId: job.storeId, action: 'import.finished', actor: principal.id, at, data: { jobId, kind: job.kind, fileName: job.fileName, counts } });
    });
  } catch (err) {
    await db.importJob.updateMany({ where: { id: jobId, leaseUntil: held }, data: { leaseUntil: null, lastError: err instanceof Error ? err.message : String(err) } });
    throw err;
  }
}

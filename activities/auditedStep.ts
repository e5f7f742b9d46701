import { Prisma } from '../generated/prisma/client';
import { Db } from './database';
import { StepContext, stepKey } from './stepContext';

export type Tx = Prisma.TransactionClient;

export interface StepRecord {
  step: string;
  action: string;
  rule?: string;
  actor: string;
  data?: Record<string, unknown>;
}

/** Records the audit event of another step done inside this step's transaction (a work order with its booking). */
export type AlsoAudited = (record: StepRecord, result: Prisma.InputJsonValue | null) => void;

/**
 * Runs a step's writes and its audit event in one transaction. The audit event's unique key is the
 * commit marker: a retried activity's transaction fails on it and rolls back, and the retry returns the
 * first attempt's result, so nothing is written twice and nothing is half-written. Looking for the
 * marker only after a failure keeps the common path one query shorter. The audit events of steps done
 * along with it (`alsoAudited`) are written in the same statement, before its own.
 */
export async function auditedStep<T extends Prisma.InputJsonValue | null>(
  db: Db,
  ctx: StepContext,
  record: StepRecord,
  work: (tx: Tx, alsoAudited: AlsoAudited) => Promise<T>,
): Promise<T> {
  try {
    return await db.$transaction(async (tx) => {
      const others: Prisma.AuditEventCreateManyInput[] = [];
      const result = await work(tx, (r, res) => others.push(auditEventRow(ctx, r, res)));
      await tx.auditEvent.createMany({ data: [...others, auditEventRow(ctx, record, result)] });
      return result;
    });
  } catch (err) {
    const done = await recordedStep(db, ctx, record.step);
    if (done) return (done.data as { result: T }).result;
    throw err;
  }
}

/** The audit event a step wrote when it committed, or null while it has not. */
export function recordedStep(db: Db, ctx: StepContext, step: string): Promise<{ data: Prisma.JsonValue } | null> {
  return db.auditEvent.findUnique({ where: { idempotencyKey: stepKey(ctx, step) }, select: { data: true } });
}

function auditEventRow(ctx: StepContext, record: StepRecord, result: Prisma.InputJsonValue | null): Prisma.AuditEventCreateManyInput {
  return {
    idempotencyKey: stepKey(ctx, record.step),
    vin: ctx.vin,
    workflowId: ctx.workflowId,
    runId: ctx.runId,
    cycle: ctx.cycle,
    rule: record.rule,
    action: record.action,
    actor: record.actor,
    occurredAt: new Date(ctx.at),
    data: { ...(record.data ?? {}), result } as Prisma.InputJsonObject,
  };
}

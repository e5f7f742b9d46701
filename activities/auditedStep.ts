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

/**
 * Runs a step's writes and its audit event in one transaction. The audit event's unique key is the
 * commit marker: a retried activity's transaction fails on it and rolls back, and the retry returns the
 * first attempt's result, so nothing is written twice and nothing is half-written. Looking for the
 * marker only after a failure keeps the common path one query shorter.
 */
export async function auditedStep<T extends Prisma.InputJsonValue | null>(
  db: Db,
  ctx: StepContext,
  record: StepRecord,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const idempotencyKey = stepKey(ctx, record.step);
  try {
    return await db.$transaction(async (tx) => {
      const result = await work(tx);
      await appendAuditEvent(tx, ctx, record, result);
      return result;
    });
  } catch (err) {
    const done = await db.auditEvent.findUnique({ where: { idempotencyKey } });
    if (done) return (done.data as { result: T }).result;
    throw err;
  }
}

/** The audit event of one step, written in the transaction that does the step. */
export async function appendAuditEvent(tx: Tx, ctx: StepContext, record: StepRecord, result: Prisma.InputJsonValue | null): Promise<void> {
  await tx.auditEvent.create({
    data: {
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
    },
  });
}

import { Prisma } from '../generated/prisma/client';
import type { StaffRole } from '../generated/prisma/enums';
import { Db } from './database';
import { DataError, dataErrorOf, dataErrorsAreFinal, dataFailure, printable } from './dataErrors';
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
 * Said by a workflow whose Update handler calls a person's step's activity itself (a care call, a ticket's
 * answer) through a stub that lists DataError as non-retryable. A lifecycle's steps are local activities,
 * whose info always carries their caller's retry policy (dataErrorsAreFinal); these two are remote
 * activities, whose info carries it only when the server puts it in the task — the time-skipping test
 * server never does, nor do older servers, nor, until recently, any server for an eagerly dispatched task
 * (temporalio/temporal#7686, #11357) — so their workflow says it in the call as well.
 */
export interface PersonsStep {
  dataErrorsFinal: true;
}

/** Records the audit event of another step done inside this step's transaction (a work order with its booking). */
export type AlsoAudited = (record: StepRecord, result: Prisma.InputJsonValue | null) => void;

/**
 * Runs a step's writes and its audit event in one transaction. The audit event's unique key is the
 * commit marker: a retried activity's transaction fails on it and rolls back, and the retry returns the
 * first attempt's result, so nothing is written twice and nothing is half-written. Looking for the
 * marker only after a failure keeps the common path one query shorter. The audit events of steps done
 * along with it (`alsoAudited`) are written in the same statement, before its own.
 *
 * Data the database refuses (dataErrors.ts) fails as a DataError. In a person's step (its caller's retry
 * policy lists DataError as non-retryable, or the caller says so: `PersonsStep`) that is final: the
 * refusal is recorded (an audit event and a task for the person, in a transaction of their own) and the
 * person hears why; the step's task of that kind is closed when corrected data commits. Anywhere else
 * the caller retries it, and the managers see the lifecycle stuck.
 */
export async function auditedStep<T extends Prisma.InputJsonValue | null>(
  db: Db,
  ctx: StepContext,
  record: StepRecord,
  work: (tx: Tx, alsoAudited: AlsoAudited) => Promise<T>,
  caller?: PersonsStep,
): Promise<T> {
  const personsStep = caller?.dataErrorsFinal === true || dataErrorsAreFinal();
  try {
    return await db.$transaction(async (tx) => {
      const others: Prisma.AuditEventCreateManyInput[] = [];
      const result = await work(tx, (r, res) => others.push(auditEventRow(ctx, r, res)));
      await tx.auditEvent.createMany({ data: [...others, auditEventRow(ctx, record, result)] });
      if (personsStep) await closeRefusalTask(tx, ctx, record);
      return result;
    });
  } catch (err) {
    const done = await recordedStep(db, ctx, record.step);
    if (done) return (done.data as { result: T }).result;
    const data = dataErrorOf(err);
    if (!data) throw err;
    if (personsStep) await recordRefusal(db, ctx, record, data);
    throw dataFailure(data, personsStep);
  }
}

/** Key of the task a refused step leaves for its person: one per step, however often it is refused. */
export function refusalTaskKey(ctx: StepContext, step: string): string {
  return stepKey(ctx, `refused:${step}`);
}

/**
 * The step's own transaction rolled back, so its refusal is written in one of its own: an audit event
 * (who tried what, and why the database refused it) and an open REFUSED_STEP task for the person's role.
 * Nothing of the refused input is stored, only the database's reason. A write that fails for a database
 * outage fails the attempt (it is retried and refused again); one the database refuses is given up.
 */
async function recordRefusal(db: Db, ctx: StepContext, record: StepRecord, data: DataError): Promise<void> {
  const actor = printable(record.actor, 100);
  try {
    await db.$transaction(async (tx) => {
      const staff = await tx.staff.findUnique({ where: { id: actor }, select: { role: true } });
      const assigneeRole: StaffRole = staff && staff.role !== 'AUDITOR' ? staff.role : 'SERVICE_SUPERVISOR';
      const key = refusalTaskKey(ctx, record.step);
      await tx.task.upsert({
        where: { idempotencyKey: key },
        create: { idempotencyKey: key, vin: ctx.vin, workflowId: ctx.workflowId, cycle: ctx.cycle, kind: 'REFUSED_STEP', rule: record.rule ?? '', dueAt: new Date(ctx.at), assigneeRole },
        update: {},
      });
      await tx.auditEvent.createMany({
        data: [
          {
            idempotencyKey: `${key}:${ctx.at}`,
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            runId: ctx.runId,
            cycle: ctx.cycle,
            rule: record.rule,
            action: 'step.refused',
            actor,
            occurredAt: new Date(ctx.at),
            data: { step: record.step, refused: record.action, reason: data.message, sqlState: data.sqlState ?? null },
          },
        ],
        skipDuplicates: true,
      });
    });
  } catch (err) {
    if (!dataErrorOf(err)) throw err;
  }
}

/** Corrected data committed: the task its refusal left is done. */
async function closeRefusalTask(tx: Tx, ctx: StepContext, record: StepRecord): Promise<void> {
  await tx.task.updateMany({
    where: { idempotencyKey: refusalTaskKey(ctx, record.step), status: 'OPEN' },
    data: { status: 'DONE', completedBy: record.actor, completedAt: new Date(ctx.at) },
  });
}

/** The audit event a step wrote when it committed, or null while it has not. */
function recordedStep(db: Db, ctx: StepContext, step: string): Promise<{ data: Prisma.JsonValue } | null> {
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

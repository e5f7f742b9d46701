import type { StaffRole, TaskKind } from '../generated/prisma/enums';
import { AlsoAudited, auditedStep, StepRecord, Tx } from './auditedStep';
import { Db } from './database';
import { CALL_ANNOUNCEMENTS, queueForCustomerInTx } from './notifications';
import { StepContext, stepKey } from './stepContext';

export interface TaskSpec {
  kind: TaskKind;
  rule: string;
  dueAt: string;
  assigneeRole: StaffRole;
  /** The second and later task of one kind in a cycle (a second call, a retry) count from 2. */
  attempt?: number;
  /** When the rule asked for the work, where that fell outside working hours and the task opened later. */
  ruleAt?: string;
}

/** Attempt 1 keeps the plain key, so tasks opened before attempts existed are still found. */
export function attemptSuffix(attempt: number | undefined): string {
  return attempt && attempt > 1 ? `:${attempt}` : '';
}

function taskKey(ctx: StepContext, kind: TaskKind, attempt?: number): string {
  return stepKey(ctx, `task:${kind}${attemptSuffix(attempt)}`);
}

/** Closes the task a person's step answers; part of that step's transaction. */
export async function closeTask(tx: Tx, ctx: StepContext, kind: TaskKind, actor: string, outcome: object, attempt?: number): Promise<void> {
  await tx.task.update({
    where: { idempotencyKey: taskKey(ctx, kind, attempt) },
    data: { status: 'DONE', completedBy: actor, completedAt: new Date(ctx.at), outcome: outcome as never },
  });
}

/** Tasks made moot by another path (a customer who booked online while a call was pending). */
export async function cancelOpenTasks(tx: Tx, ctx: StepContext, kind: TaskKind, actor: string, reason: string): Promise<void> {
  await tx.task.updateMany({
    where: { vin: ctx.vin, workflowId: ctx.workflowId, cycle: ctx.cycle, kind, status: 'OPEN' },
    data: { status: 'CANCELLED', completedBy: actor, completedAt: new Date(ctx.at), outcome: { reason } },
  });
}

function taskOpened(spec: TaskSpec): StepRecord {
  return { step: `open:${spec.kind}${attemptSuffix(spec.attempt)}`, action: 'task.opened', rule: spec.rule, actor: 'system', data: { ...spec } };
}

async function createTask(tx: Tx, ctx: StepContext, spec: TaskSpec): Promise<null> {
  await tx.task.create({
    data: {
      idempotencyKey: taskKey(ctx, spec.kind, spec.attempt),
      vin: ctx.vin,
      workflowId: ctx.workflowId,
      cycle: ctx.cycle,
      kind: spec.kind,
      rule: spec.rule,
      dueAt: new Date(spec.dueAt),
      ruleAt: spec.ruleAt === undefined ? null : new Date(spec.ruleAt),
      assigneeRole: spec.assigneeRole,
    },
  });
  const announcement = CALL_ANNOUNCEMENTS[spec.kind];
  if (announcement) await queueForCustomerInTx(tx, ctx, { ...announcement, rule: spec.rule, step: announcement.template });
  return null;
}

/** Opens a task inside another step's transaction, with the same audit event `openTask` writes. */
export async function openTaskInTx(tx: Tx, ctx: StepContext, spec: TaskSpec, alsoAudited: AlsoAudited): Promise<void> {
  alsoAudited(taskOpened(spec), await createTask(tx, ctx, spec));
}

export function taskActivities(db: Db) {
  return {
    /** Puts a piece of work in a person's inbox; the workflow then waits for the matching Update. */
    async openTask(ctx: StepContext, spec: TaskSpec): Promise<null> {
      return auditedStep(db, ctx, taskOpened(spec), (tx) => createTask(tx, ctx, spec));
    },
  };
}

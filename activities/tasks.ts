import type { StaffRole, TaskKind } from '../generated/prisma/enums';
import { auditedStep, Tx } from './auditedStep';
import { Db } from './database';
import { StepContext, stepKey } from './stepContext';

export interface TaskSpec {
  kind: TaskKind;
  rule: string;
  dueAt: string;
  assigneeRole: StaffRole;
}

function taskKey(ctx: StepContext, kind: TaskKind): string {
  return stepKey(ctx, `task:${kind}`);
}

/** Closes the task a person's step answers; part of that step's transaction. */
export async function closeTask(tx: Tx, ctx: StepContext, kind: TaskKind, actor: string, outcome: object): Promise<void> {
  await tx.task.update({
    where: { idempotencyKey: taskKey(ctx, kind) },
    data: { status: 'DONE', completedBy: actor, completedAt: new Date(ctx.at), outcome: outcome as never },
  });
}

export function taskActivities(db: Db) {
  return {
    /** Puts a piece of work in a person's inbox; the workflow then waits for the matching Update. */
    async openTask(ctx: StepContext, spec: TaskSpec): Promise<null> {
      return auditedStep(db, ctx, { step: `open:${spec.kind}`, action: 'task.opened', rule: spec.rule, actor: 'system', data: { ...spec } }, async (tx) => {
        await tx.task.create({
          data: {
            idempotencyKey: taskKey(ctx, spec.kind),
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            cycle: ctx.cycle,
            kind: spec.kind,
            rule: spec.rule,
            dueAt: new Date(spec.dueAt),
            assigneeRole: spec.assigneeRole,
          },
        });
        return null;
      });
    },
  };
}

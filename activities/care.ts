// R20 / R22: the outcome of a care call. Care messages and call tasks use the shared notification and
// task activities, keyed per occurrence by the occasion's year in the step context's cycle.
import type { TaskKind } from '../generated/prisma/enums';
import type { CareCallContact } from '../workflows/care/contract';
import { auditedStep, PersonsStep } from './auditedStep';
import { Db } from './database';
import { StepContext } from './stepContext';
import { closeTask } from './tasks';

export interface CareCallRecord {
  contact: CareCallContact;
  kind: TaskKind;
  rule: string;
  actor: string;
  outcome: string;
}

export function careActivities(db: Db) {
  return {
    /**
     * Closes the call's task with the caller's words, in one transaction with the audit event of who called.
     * Called from the person's Update (`caller`): data the database refuses is final and recorded as refused.
     */
    async recordCareCall(ctx: StepContext, call: CareCallRecord, caller?: PersonsStep): Promise<null> {
      return auditedStep(
        db,
        ctx,
        { step: `care-call:${call.kind}`, action: 'care.call-recorded', rule: call.rule, actor: call.actor, data: { contact: call.contact, outcome: call.outcome } },
        async (tx) => {
          await closeTask(tx, ctx, call.kind, call.actor, { outcome: call.outcome });
          return null;
        },
        caller,
      );
    },
  };
}

// R18 / R24: the service-failure ticket's records: the ticket, the pages to each level, late points, the answer.
import type { EscalationRole } from '../domain/serviceFailure';
import type { FailureTicketAnswer, FailureTicketInput } from '../workflows/failureTicket/contract';
import { auditedStep, PersonsStep } from './auditedStep';
import { Db } from './database';
import { queuePages } from './paging';
import { StepContext, stepKey } from './stepContext';

function ticketKey(ctx: StepContext): string {
  return stepKey(ctx, 'ticket');
}

export function failureTicketActivities(db: Db) {
  return {
    async openFailureTicket(ctx: StepContext, input: FailureTicketInput, firstOwner: EscalationRole, answerBy: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'ticket-open', action: 'failure-ticket.opened', rule: input.rule, actor: input.openedBy, data: { ...input } }, async (tx) => {
        // R24: the loss and what happened were registered on the follow-up call this ticket comes from.
        const survey = await tx.followUpSurvey.findFirst({ where: { vin: input.vin, cycle: input.cycle }, orderBy: { recordedAt: 'desc' } });
        await tx.serviceFailureTicket.create({
          data: {
            idempotencyKey: ticketKey(ctx),
            vin: input.vin,
            grade: input.grade,
            rule: input.rule,
            reason: input.reason,
            ownerRole: firstOwner,
            answerBy: new Date(answerBy),
            workflowId: ctx.workflowId,
            cycle: input.cycle,
            qualityLossCny: survey?.qualityLossCny,
            qualityIncident: survey?.qualityIncident,
          },
        });
        return null;
      });
    },

    /**
     * Pages the level's roles (activities/paging.ts) and puts the answer in their inbox. Each page row
     * carries its own acknowledgement code.
     */
    async pageEscalationLevel(ctx: StepContext, page: { storeId: string; level: number; round: number; roles: EscalationRole[]; answerBy: string; grade: string; reason: string }): Promise<null> {
      const step = `page:${page.level}:${page.round}`;
      return auditedStep(db, ctx, { step, action: 'failure-ticket.paged', rule: 'R18', actor: 'system', data: { ...page } }, async (tx) => {
        await queuePages(tx, ctx, {
          storeId: page.storeId,
          roles: page.roles,
          step,
          template: 'failure-ticket-page',
          rule: 'R18',
          payload: { vin: ctx.vin, rule: 'R18', grade: page.grade, reason: page.reason, answerBy: page.answerBy, level: page.level, round: page.round },
          acknowledged: true,
        });
        await tx.task.create({
          data: {
            idempotencyKey: stepKey(ctx, `task:FAILURE_TICKET_ANSWER:${page.level}:${page.round}`),
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            cycle: ctx.cycle,
            kind: 'FAILURE_TICKET_ANSWER',
            rule: 'R18',
            dueAt: new Date(page.answerBy),
            assigneeRole: page.roles[0],
          },
        });
        await tx.serviceFailureTicket.update({ where: { idempotencyKey: ticketKey(ctx) }, data: { level: page.level, ownerRole: page.roles[0], answerBy: new Date(page.answerBy) } });
        return null;
      });
    },

    /** R18: a level that let the deadline pass, or left its page unacknowledged, loses its points; the ticket climbs. */
    async recordLateAnswer(ctx: StepContext, late: { level: number; round: number; roles: EscalationRole[]; points: number; unacknowledged?: boolean }): Promise<null> {
      return auditedStep(db, ctx, { step: `late:${late.level}:${late.round}`, action: 'failure-ticket.answer-late', rule: 'R18', actor: 'system', data: { ...late } }, async () => null);
    },

    /** The owner's answer; called from the owner's Update (`caller`): data the database refuses is final and recorded as refused. */
    async answerFailureTicket(ctx: StepContext, input: FailureTicketAnswer, caller?: PersonsStep): Promise<null> {
      return auditedStep(
        db,
        ctx,
        { step: 'ticket-answer', action: 'failure-ticket.answered', rule: 'R18', actor: input.actor, data: { answer: input.answer } },
        async (tx) => {
          await tx.serviceFailureTicket.update({ where: { idempotencyKey: ticketKey(ctx) }, data: { answeredAt: new Date(ctx.at), answeredBy: input.actor, answer: input.answer } });
          await tx.task.updateMany({
            where: { workflowId: ctx.workflowId, kind: 'FAILURE_TICKET_ANSWER', status: 'OPEN' },
            data: { status: 'DONE', completedBy: input.actor, completedAt: new Date(ctx.at) },
          });
          return null;
        },
        caller,
      );
    },
  };
}

// R18 / R24: the service-failure ticket's records: the ticket, the pages to each level, late points, the answer.
import type { EscalationRole } from '../domain/serviceFailure';
import type { FailureTicketAnswer, FailureTicketInput } from '../workflows/failureTicket/contract';
import { channelConfig } from '../notifications/channelConfig';
import { newAckCode } from '../notifications/pageAck';
import { auditedStep, PersonsStep } from './auditedStep';
import { Db } from './database';
import { StepContext, stepKey } from './stepContext';

function ticketKey(ctx: StepContext): string {
  return stepKey(ctx, 'ticket');
}

export function failureTicketActivities(db: Db) {
  return {
    async openFailureTicket(ctx: StepContext, input: FailureTicketInput, firstOwner: EscalationRole, answerBy: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'ticket-open', action: 'failure-ticket.opened', rule: input.rule, actor: input.openedBy, data: { ...input } }, async (tx) => {
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
          },
        });
        return null;
      });
    },

    /**
     * Pages every person of the level's roles in the store, and the store's WeCom / DingTalk group robots
     * where it has them (delivery is the outbox sender's job), and puts the answer in their inbox. A role
     * with nobody in it is paged by role, so the page is never dropped for want of a name. Each page row
     * carries its own acknowledgement code.
     */
    async pageEscalationLevel(ctx: StepContext, page: { storeId: string; level: number; round: number; roles: EscalationRole[]; answerBy: string; grade: string; reason: string }): Promise<null> {
      const step = `page:${page.level}:${page.round}`;
      return auditedStep(db, ctx, { step, action: 'failure-ticket.paged', rule: 'R18', actor: 'system', data: { ...page } }, async (tx) => {
        const staff = await tx.staff.findMany({ where: { storeId: page.storeId, role: { in: page.roles }, active: true } });
        const recipients = staff.length ? staff.map((p) => p.email ?? p.phone ?? p.id) : page.roles;
        const robots: Array<'WECOM' | 'DINGTALK'> = [];
        for (const robot of ['WECOM', 'DINGTALK'] as const) if (await channelConfig(tx, page.storeId, robot)) robots.push(robot);
        const rows = [
          ...recipients.map((recipient) => ({ channel: 'PAGE' as const, recipient, key: stepKey(ctx, `${step}:${recipient}`) })),
          ...robots.map((channel) => ({ channel, recipient: 'group', key: stepKey(ctx, `${step}:${channel}`) })),
        ];
        await tx.notification.createMany({
          data: rows.map(({ channel, recipient, key }) => ({
            idempotencyKey: key,
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            cycle: ctx.cycle,
            storeId: page.storeId,
            channel,
            template: 'failure-ticket-page',
            rule: 'R18',
            recipient,
            payload: { vin: ctx.vin, rule: 'R18', grade: page.grade, reason: page.reason, answerBy: page.answerBy, level: page.level, round: page.round },
            scheduledFor: new Date(ctx.at),
            nextAttemptAt: new Date(ctx.at),
            ackCode: newAckCode(),
          })),
          skipDuplicates: true,
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

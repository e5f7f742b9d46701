// R18: the owner's answer to a service-failure ticket; it stops the escalation.
import { answerFailureTicket } from '../workflows/failureTicket/contract';
import { defineCommand } from './command';
import { ticketAnswerSchema } from './schemas';
import { sendUpdate } from './sendUpdate';

/** A ticket is its workflow id, failure-<VIN>-c<cycle>; its vehicle decides who may see and answer it. */
export interface TicketSubject {
  vin: string;
  ticketId: string;
}

export const ticketSubject = (ticketId: string): TicketSubject => ({ ticketId, vin: ticketId.split('-')[1] });

export const ticketAnswerCommand = defineCommand<typeof ticketAnswerSchema, unknown, TicketSubject>({
  name: 'ticket.answer',
  action: 'ticket.answer',
  schema: ticketAnswerSchema,
  run: (ctx, { ticketId }, { answer }) =>
    sendUpdate(() => ctx.client.workflow.getHandle(ticketId).executeUpdate(answerFailureTicket, { args: [{ answer, actor: ctx.principal.id }] }), `no service-failure ticket ${ticketId}`),
});

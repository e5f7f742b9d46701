import type { NotificationChannel } from '../generated/prisma/enums';
import type { CustomerFacts } from '../workflows/definitions';
import { auditedStep } from './auditedStep';
import { Db } from './database';
import { StepContext, stepKey } from './stepContext';

export interface CustomerMessage {
  template: string;
  rule: string;
  customer: CustomerFacts;
  payload: Record<string, string>;
}

/** Every channel the customer can be reached on for this message; SMS always, e-mail when known. */
function recipients(customer: CustomerFacts): Array<{ channel: NotificationChannel; recipient: string }> {
  const list: Array<{ channel: NotificationChannel; recipient: string }> = [{ channel: 'SMS', recipient: customer.phone }];
  if (customer.email) list.push({ channel: 'EMAIL', recipient: customer.email });
  return list;
}

export function notificationActivities(db: Db) {
  return {
    /**
     * Stores the message in the outbox keyed by the business step (workflow, cycle, step, attempt), so a
     * retry never queues it twice. The row keeps the template key and its variables; the sender renders
     * it with the store's wording in force when it goes out (notifications/dispatcher.ts).
     */
    async queueCustomerMessage(ctx: StepContext, msg: CustomerMessage): Promise<null> {
      return auditedStep(db, ctx, { step: `notify:${msg.template}`, action: 'customer.notified', rule: msg.rule, actor: 'system', data: { template: msg.template } }, async (tx) => {
        const vehicle = await tx.vehicle.findUnique({ where: { vin: ctx.vin }, select: { storeId: true, customer: { select: { locale: true } } } });
        await tx.notification.createMany({
          data: recipients(msg.customer).map(({ channel, recipient }) => ({
            idempotencyKey: stepKey(ctx, `notify:${msg.template}:${channel}`),
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            cycle: ctx.cycle,
            storeId: vehicle?.storeId,
            locale: vehicle?.customer.locale,
            channel,
            template: msg.template,
            rule: msg.rule,
            recipient,
            payload: { customerName: msg.customer.name, ...msg.payload },
            scheduledFor: new Date(ctx.at),
            nextAttemptAt: new Date(ctx.at),
          })),
        });
        return null;
      });
    },
  };
}

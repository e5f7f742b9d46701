import { addMonths, daysBetween } from '../domain/calendar';
import { resolveStoreSettings } from '../domain/storeSettings';
import type { NotificationChannel, TaskKind } from '../generated/prisma/enums';
import type { CustomerFacts } from '../workflows/shared';
import { auditedStep, Tx } from './auditedStep';
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

/**
 * Writes a customer message for the vehicle's customer as the database knows them, inside the caller's
 * step transaction; for messages that go with another step (R13, R17, R20, R22).
 */
export async function queueForCustomerInTx(tx: Tx, ctx: StepContext, msg: { template: string; rule: string; step: string; payload: (v: VehicleFacts) => Record<string, unknown> }): Promise<void> {
  const vehicle = await tx.vehicle.findUniqueOrThrow({
    where: { vin: ctx.vin },
    include: { customer: true, store: true, repairOrders: { where: { cycle: ctx.cycle, deliveredAt: { not: null } }, orderBy: { deliveredAt: 'desc' }, take: 1 } },
  });
  const localDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: vehicle.store.timeZone }).format(at);
  const consultant = vehicle.salesConsultantId ? await tx.staff.findUnique({ where: { id: vehicle.salesConsultantId } }) : null;
  const facts: VehicleFacts = {
    plate: vehicle.plate,
    today: localDay(new Date(ctx.at)),
    deliveryDate: vehicle.deliveryDate.toISOString().slice(0, 10),
    deliveredOn: vehicle.repairOrders[0]?.deliveredAt ? localDay(vehicle.repairOrders[0].deliveredAt) : undefined,
    firstServiceWithinMonths: resolveStoreSettings(vehicle.store.settings).firstServiceWithinMonths,
    consultantName: consultant?.name ?? null,
  };
  const customer = vehicle.customer;
  await tx.notification.createMany({
    data: recipients({ name: customer.name, phone: customer.phone, email: customer.email ?? undefined }).map(({ channel, recipient }) => ({
      idempotencyKey: stepKey(ctx, `notify:${msg.step}:${channel}`),
      vin: ctx.vin,
      workflowId: ctx.workflowId,
      cycle: ctx.cycle,
      storeId: vehicle.storeId,
      locale: customer.locale,
      channel,
      template: msg.template,
      rule: msg.rule,
      recipient,
      payload: { customerName: customer.name, plate: vehicle.plate, ...msg.payload(facts) } as never,
      scheduledFor: new Date(ctx.at),
      nextAttemptAt: new Date(ctx.at),
    })),
    skipDuplicates: true,
  });
}

export interface VehicleFacts {
  plate: string;
  /** The store's local date at the step. */
  today: string;
  deliveryDate: string;
  /** This cycle's delivery (R16), as a local date. */
  deliveredOn?: string;
  firstServiceWithinMonths: number;
  consultantName: string | null;
}

/** Calls a person is about to make that the customer hears of first (R17 survey, R20 7DC, R22 first service). */
export const CALL_ANNOUNCEMENTS: Partial<Record<TaskKind, { template: string; payload: (v: VehicleFacts) => Record<string, unknown> }>> = {
  FOLLOW_UP_CALL: { template: 'survey-invitation', payload: (v) => ({ deliveredOn: v.deliveredOn ?? v.today }) },
  NEW_CAR_7DC_CALL: { template: 'new-car-care', payload: (v) => ({ days: daysBetween(v.deliveryDate, v.today) }) },
  FIRST_SERVICE_CONFIRMATION_CALL: {
    template: 'first-service-invitation',
    payload: (v) => ({ deadline: addMonths(v.deliveryDate, v.firstServiceWithinMonths), consultantName: v.consultantName }),
  },
};

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

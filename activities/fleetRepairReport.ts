// R25: after a fleet vehicle's job, a repair report — the work done, the labour hours, the cost — goes to
// each of the fleet's contacts with an e-mail address, queued in the delivery's own transaction so a
// delivery never commits without its report, nor a retried one with a second.
import type { AlsoAudited, Tx } from './auditedStep';
import { StepContext, stepKey } from './stepContext';

const money = (value: { toString(): string } | number) => Number(value.toString()).toFixed(2);

/** Queues the report when the delivered vehicle belongs to a fleet; a private customer's delivery is left as it is. */
export async function queueFleetRepairReport(tx: Tx, ctx: StepContext, repairOrderId: string, alsoAudited: AlsoAudited): Promise<void> {
  const vehicle = await tx.vehicle.findUniqueOrThrow({ where: { vin: ctx.vin }, select: { plate: true, storeId: true, fleetAccount: { select: { id: true, name: true, contacts: true } } } });
  const fleet = vehicle.fleetAccount;
  if (!fleet) return;
  const order = await tx.repairOrder.findUniqueOrThrow({ where: { id: repairOrderId }, select: { deliveredAt: true, settledCny: true, items: { where: { approved: true }, orderBy: { description: 'asc' } } } });
  // Declined additional items (R13) were not done: they are not in the report.
  const items = order.items.map((i) => ({ description: i.description, laborHours: i.laborHours, priceCny: money(i.priceCny) }));
  const report = {
    fleetName: fleet.name,
    plate: vehicle.plate,
    vin: ctx.vin,
    deliveredAt: (order.deliveredAt ?? new Date(ctx.at)).toISOString(),
    items,
    laborHours: order.items.reduce((sum, i) => sum + i.laborHours, 0),
    totalCny: money(order.items.reduce((sum, i) => sum + Number(i.priceCny.toString()), 0)),
    settledCny: money(order.settledCny ?? 0),
  };
  const recipients = fleet.contacts.filter((c) => c.email);
  await tx.notification.createMany({
    data: recipients.map((contact) => ({
      idempotencyKey: stepKey(ctx, `notify:fleet-repair-report:EMAIL:${contact.email}`),
      vin: ctx.vin,
      workflowId: ctx.workflowId,
      cycle: ctx.cycle,
      storeId: vehicle.storeId,
      channel: 'EMAIL' as const,
      template: 'fleet-repair-report',
      rule: 'R25',
      recipient: contact.email!,
      payload: { ...report, contactName: contact.name },
      scheduledFor: new Date(ctx.at),
      nextAttemptAt: new Date(ctx.at),
    })),
    skipDuplicates: true,
  });
  // A fleet without an e-mail contact gets no report; the audit says so, and the fleet page shows the contacts to fix.
  alsoAudited(
    { step: 'fleet-repair-report', action: 'fleet-report.queued', rule: 'R25', actor: 'system', data: { fleetId: fleet.id, repairOrderId, recipients: recipients.map((c) => c.email), laborHours: report.laborHours, totalCny: report.totalCny } },
    null,
  );
}

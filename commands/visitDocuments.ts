// R23: customer relations record that a visit's documents (reception sheet, dispatch sheet, settlement,
// checklist) reached them for the service file; the visit's VISIT_DOCUMENTS task, if one was opened, is done.
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import { visitDocumentsTaskKey } from '../reports/visitDocuments';
import { defineCommand } from './command';

export const visitDocumentsSchema = z.strictObject({ cycle: z.coerce.number().int().min(1).max(10_000) });

export const receiveVisitDocumentsCommand = defineCommand<typeof visitDocumentsSchema, { vin: string; cycle: number; receivedAt: Date }>({
  name: 'visit.documents-received',
  action: 'documents.receive',
  schema: visitDocumentsSchema,
  async run(ctx, { vin }, { cycle }) {
    const order = await ctx.db.repairOrder.findFirst({ where: { vin, cycle, deliveredAt: { not: null } }, select: { id: true, vehicle: { select: { workflowId: true } } } });
    if (!order) throw new HttpError(409, `visit ${cycle} of ${vin} has not been delivered: its documents are not complete yet`);
    const actor = ctx.principal.id;
    await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.visitDocuments.createMany({ data: [{ repairOrderId: order.id, vin, cycle, receivedBy: actor, receivedAt: ctx.at }], skipDuplicates: true });
      if (!count) throw new HttpError(409, `the documents of visit ${cycle} were already received`);
      await tx.task.updateMany({ where: { idempotencyKey: visitDocumentsTaskKey(order.id), status: 'OPEN' }, data: { status: 'DONE', completedBy: actor, completedAt: ctx.at } });
      await tx.auditEvent.create({
        data: { idempotencyKey: `visit-documents:${order.id}:received`, vin, workflowId: order.vehicle.workflowId, runId: 'web', cycle, rule: 'R23', action: 'visit.documents-received', actor, occurredAt: ctx.at },
      });
    });
    return { vin, cycle, receivedAt: ctx.at };
  },
});

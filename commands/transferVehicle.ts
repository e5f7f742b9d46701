// A manager moves a vehicle to another store: audited, with a reason, and only while its lifecycle is
// closed, so no step of one store's run ever lands in the other's. The target store then registers it
// with `reopen: true` (commands/registration.ts), which starts its lifecycle there at a fresh cycle.
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import { defineCommand } from './command';
import { text } from './input';
import { runningLifecycleStore } from './registration';

export const transferVehicleSchema = z.strictObject({
  toStoreId: text({ max: 64 }),
  reason: text({ min: 2, max: 500, multiline: true }),
});

export interface TransferResult {
  vin: string;
  fromStoreId: string;
  toStoreId: string;
  /** The vehicle's customer in the target store. */
  customerId: string;
  /**
   * moved: the customer had no other vehicle and moved along; copied: they keep their other vehicles in
   * the old store and the target store got a copy; joined: the target store already knew that phone number.
   */
  customer: 'moved' | 'copied' | 'joined';
}

export const transferVehicleCommand = defineCommand<typeof transferVehicleSchema, TransferResult>({
  name: 'vehicle.transfer',
  action: 'vehicle.transfer',
  schema: transferVehicleSchema,
  async run(ctx, { vin }, { toStoreId, reason }) {
    const row = await ctx.db.vehicle.findUnique({ where: { vin }, select: { storeId: true, cycle: true, customerId: true, workflowId: true, updatedAt: true } });
    if (!row) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    if (!(await ctx.storeExists(toStoreId))) throw new HttpError(422, `unknown store ${toStoreId}`);
    if (toStoreId === row.storeId) throw new HttpError(409, 'the vehicle already belongs to that store');
    if (await runningLifecycleStore(ctx.client, vin)) throw new HttpError(409, "the vehicle's lifecycle is running; close the lifecycle first (correction CLOSE)");

    const result = await ctx.db.$transaction(async (tx) => {
      // Unchanged since it was read (no reopening or other transfer got in between); the old store's advisor stays behind.
      const moved = await tx.vehicle.updateMany({ where: { vin, storeId: row.storeId, updatedAt: row.updatedAt }, data: { storeId: toStoreId, advisorId: null } });
      if (moved.count !== 1) throw new HttpError(409, 'the vehicle changed meanwhile; look again and retry');
      const customer = await tx.customer.findUniqueOrThrow({ where: { id: row.customerId }, include: { optOuts: true, _count: { select: { vehicles: true } } } });
      const known = await tx.customer.findUnique({ where: { storeId_phone: { storeId: toStoreId, phone: customer.phone } }, select: { id: true } });
      let customerId: string;
      let how: TransferResult['customer'];
      if (known) {
        customerId = known.id;
        how = 'joined';
      } else if (customer._count.vehicles === 1) {
        await tx.customer.update({ where: { id: customer.id }, data: { storeId: toStoreId } });
        customerId = customer.id;
        how = 'moved';
      } else {
        const { id } = await tx.customer.create({
          data: { storeId: toStoreId, name: customer.name, phone: customer.phone, email: customer.email, birthday: customer.birthday, locale: customer.locale },
          select: { id: true },
        });
        customerId = id;
        how = 'copied';
      }
      if (customerId !== customer.id) {
        await tx.vehicle.update({ where: { vin }, data: { customerId } });
        // What the customer asked not to receive, they do not receive from the new store either.
        if (customer.optOuts.length > 0) {
          await tx.contactOptOut.createMany({
            data: customer.optOuts.map((o) => ({ customerId, channel: o.channel, reason: o.reason, recordedBy: o.recordedBy, recordedAt: o.recordedAt })),
            skipDuplicates: true,
          });
        }
      }
      await tx.auditEvent.create({
        data: {
          idempotencyKey: `transfer:${vin}:${ctx.at.toISOString()}`,
          vin,
          workflowId: row.workflowId,
          runId: 'api',
          cycle: row.cycle,
          action: 'vehicle.transferred',
          actor: ctx.principal.id,
          occurredAt: ctx.at,
          data: { from: row.storeId, to: toStoreId, reason, customer: how, customerId, ...(customerId !== customer.id ? { previousCustomerId: customer.id } : {}) },
        },
      });
      return { vin, fromStoreId: row.storeId, toStoreId, customerId, customer: how };
    });
    // This process answers with the new store at once; the old store no longer sees the vehicle.
    ctx.storeOf.forget(vin);
    return result;
  },
});

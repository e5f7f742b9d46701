// Whether and in which language a customer is contacted: opt-outs per channel and the message locale.
// Each change is audited on the vehicle the person was looking at.
import { z } from 'zod';
import type { Db } from '../../activities/database';
import { isLocale, LOCALES } from '../../notifications/templates';
import { HttpError } from '../httpError';

export const localeSchema = z.string().refine(isLocale, `locale must be one of ${LOCALES.join(', ')}`);
export const OPT_OUT_CHANNELS = ['SMS', 'EMAIL'] as const;
export const optOutSchema = z.strictObject({ channel: z.enum(OPT_OUT_CHANNELS), reason: z.string().trim().min(2).max(500) });
export const localePreferenceSchema = z.strictObject({ locale: localeSchema });

async function vehicleOf(db: Db, vin: string) {
  const vehicle = await db.vehicle.findUnique({ where: { vin }, include: { customer: true } });
  if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
  return vehicle;
}

export async function recordOptOut(db: Db, actor: string, vin: string, body: z.infer<typeof optOutSchema>, at: Date) {
  const vehicle = await vehicleOf(db, vin);
  const [optOut] = await db.$transaction([
    db.contactOptOut.upsert({
      where: { customerId_channel: { customerId: vehicle.customerId, channel: body.channel } },
      create: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason, recordedBy: actor, recordedAt: at },
      update: { reason: body.reason, recordedBy: actor, recordedAt: at },
    }),
    db.auditEvent.create({
      data: {
        idempotencyKey: `opt-out:${vehicle.customerId}:${body.channel}:${at.toISOString()}`,
        vin,
        workflowId: vehicle.workflowId,
        runId: 'api',
        cycle: vehicle.cycle,
        action: 'customer.opted-out',
        actor,
        occurredAt: at,
        data: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason },
      },
    }),
  ]);
  return optOut;
}

export async function optBackIn(db: Db, actor: string, vin: string, channel: (typeof OPT_OUT_CHANNELS)[number], at: Date): Promise<void> {
  const vehicle = await vehicleOf(db, vin);
  const { count } = await db.contactOptOut.deleteMany({ where: { customerId: vehicle.customerId, channel } });
  if (!count) throw new HttpError(404, `the customer has not opted out of ${channel}`);
  await db.auditEvent.create({
    data: { idempotencyKey: `opt-in:${vehicle.customerId}:${channel}:${at.toISOString()}`, vin, workflowId: vehicle.workflowId, runId: 'api', cycle: vehicle.cycle, action: 'customer.opted-in', actor, occurredAt: at, data: { customerId: vehicle.customerId, channel } },
  });
}

/** The language of the customer's messages (zh-CN or en); messages not yet sent follow it. */
export async function setCustomerLocale(db: Db, actor: string, vin: string, locale: string, at: Date) {
  const vehicle = await vehicleOf(db, vin);
  await db.$transaction([
    db.customer.update({ where: { id: vehicle.customerId }, data: { locale } }),
    db.notification.updateMany({ where: { vin, status: 'QUEUED', channel: { in: ['SMS', 'EMAIL'] } }, data: { locale } }),
    db.auditEvent.create({
      data: {
        idempotencyKey: `locale:${vehicle.customerId}:${at.toISOString()}`,
        vin,
        workflowId: vehicle.workflowId,
        runId: 'api',
        cycle: vehicle.cycle,
        action: 'customer.locale-changed',
        actor,
        occurredAt: at,
        data: { customerId: vehicle.customerId, from: vehicle.customer.locale, to: locale },
      },
    }),
  ]);
  return { vin, customerId: vehicle.customerId, locale };
}

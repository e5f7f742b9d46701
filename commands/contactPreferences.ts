// Whether and in which language a customer is contacted: an opt-out per channel, opting back in, and the
// language of their messages. Each is a command on the vehicle the person was looking at, audited there.
import { z } from 'zod';
import type { Db } from '../activities/database';
import { HttpError } from '../api/httpError';
import { isLocale, LOCALES } from '../notifications/templates';
import { defineCommand } from './command';
import { text } from './input';

export const localeSchema = z.string().refine(isLocale, `locale must be one of ${LOCALES.join(', ')}`);
export const OPT_OUT_CHANNELS = ['SMS', 'EMAIL'] as const;
const optOutChannel = z.enum(OPT_OUT_CHANNELS);

export const optOutSchema = z.strictObject({ channel: optOutChannel, reason: text({ min: 2, max: 500, multiline: true }) });
/** The channel to opt back in to, as it stands in the address (`DELETE …/opt-outs/:channel`). */
export const optInSchema = optOutChannel;
export const localePreferenceSchema = z.strictObject({ locale: localeSchema });

async function vehicleOf(db: Db, vin: string) {
  const vehicle = await db.vehicle.findUnique({ where: { vin }, include: { customer: true } });
  if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
  return vehicle;
}

/** The customer is not contacted on the channel any more (the sender suppresses its messages), with the reason. */
export const optOutCommand = defineCommand({
  name: 'customer.opt-out',
  action: 'customer.contact-preferences',
  schema: optOutSchema,
  async run({ db, principal, at }, { vin }, body) {
    const vehicle = await vehicleOf(db, vin);
    const [optOut] = await db.$transaction([
      db.contactOptOut.upsert({
        where: { customerId_channel: { customerId: vehicle.customerId, channel: body.channel } },
        create: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason, recordedBy: principal.id, recordedAt: at },
        update: { reason: body.reason, recordedBy: principal.id, recordedAt: at },
      }),
      db.auditEvent.create({
        data: {
          idempotencyKey: `opt-out:${vehicle.customerId}:${body.channel}:${at.toISOString()}`,
          vin,
          workflowId: vehicle.workflowId,
          runId: 'api',
          cycle: vehicle.cycle,
          action: 'customer.opted-out',
          actor: principal.id,
          occurredAt: at,
          data: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason },
        },
      }),
    ]);
    return optOut;
  },
});

/** The customer is contacted on the channel again; 404 when they had not opted out of it. */
export const optInCommand = defineCommand({
  name: 'customer.opt-in',
  action: 'customer.contact-preferences',
  schema: optInSchema,
  async run({ db, principal, at }, { vin }, channel): Promise<void> {
    const vehicle = await vehicleOf(db, vin);
    const { count } = await db.contactOptOut.deleteMany({ where: { customerId: vehicle.customerId, channel } });
    if (!count) throw new HttpError(404, `the customer has not opted out of ${channel}`);
    await db.auditEvent.create({
      data: { idempotencyKey: `opt-in:${vehicle.customerId}:${channel}:${at.toISOString()}`, vin, workflowId: vehicle.workflowId, runId: 'api', cycle: vehicle.cycle, action: 'customer.opted-in', actor: principal.id, occurredAt: at, data: { customerId: vehicle.customerId, channel } },
    });
  },
});

/** The language of the customer's messages (zh-CN or en); messages not yet sent follow it. */
export const customerLocaleCommand = defineCommand({
  name: 'customer.locale',
  action: 'customer.contact-preferences',
  schema: localePreferenceSchema,
  async run({ db, principal, at }, { vin }, { locale }) {
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
          actor: principal.id,
          occurredAt: at,
          data: { customerId: vehicle.customerId, from: vehicle.customer.locale, to: locale },
        },
      }),
    ]);
    return { vin, customerId: vehicle.customerId, locale };
  },
});

// R25 corporate fleets: a manager keeps the store's fleet accounts (contacts, vehicles); the service
// advisors record a fleet's requests — at least 24 h ahead — and answer each with time and place within
// 24 h. Recording a request starts its deadline workflow (workflows/fleetRequest/), which records it, opens the
// advisors' task and pages the service manager when the answer is late; the answer closes the task and
// tells the workflow. Every change is in the store's audit chain, a request's also in its vehicles' history.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../activities/auditedStep';
import { HttpError } from '../api/httpError';
import { leadTimeShortfall } from '../domain/fleetRequest';
import { Prisma } from '../generated/prisma/client';
import { fleetRequestAnswered, FleetRequestInput, fleetRequestWorkflowId } from '../workflows/fleetRequest/definitions';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/lifecycle/contract';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { instant, text } from './input';
import { reasonIn } from './reasons';
import { vinSchema } from './schemas';
import { recordStoreEvent } from './storeAudit';

export type FleetSubject = StoreSubject & { fleetId: string };
export type FleetRequestSubject = FleetSubject & { requestId: string };

const contactSchema = z.strictObject({
  name: text({ max: 64 }),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{6,20}$/, 'phone must be digits, spaces or dashes'),
  email: z.email().optional(),
});

/** A fleet account as a whole: its contacts replace the ones it had. */
export const fleetAccountSchema = z.strictObject({
  name: text({ max: 100 }),
  note: text({ max: 500, multiline: true }).optional(),
  contacts: z.array(contactSchema).min(1, 'name at least one contact person of the fleet').max(10),
});

export const fleetVehicleSchema = z.strictObject({ vin: vinSchema });

export const fleetRequestSchema = z.strictObject({
  vins: z.array(vinSchema).min(1, 'name at least one vehicle of the fleet').max(50),
  requestedFor: instant,
  service: text({ min: 2, max: 1000, multiline: true }),
});

export const fleetAnswerSchema = z.strictObject({
  time: instant,
  place: text({ min: 2, max: 200 }),
});

/** A refusal about one input, named by its path (the pages show it beside the field). */
function refusal(status: number, path: string, message: string): HttpError {
  return new HttpError(status, `${path}: ${message}`, [{ path, message, zh: reasonIn('zh', message) }]);
}

/** The fleet, locked for the change, when it is the store's; 404 otherwise, as if it did not exist. */
async function lockFleet(tx: Tx, { storeId, fleetId }: FleetSubject): Promise<void> {
  const found = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "FleetAccount" WHERE "id" = ${fleetId} AND "storeId" = ${storeId} FOR UPDATE`;
  if (found.length === 0) throw new HttpError(404, `no fleet ${fleetId}`);
}

type FleetAccountInput = z.output<typeof fleetAccountSchema>;

const contactRows = (input: FleetAccountInput) => input.contacts.map((c) => ({ name: c.name, phone: c.phone, email: c.email ?? null }));

/** The name is the store's way to tell fleets apart; a second one of the same name is a mistake. */
function nameTaken(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

function inTransaction<R>(ctx: CommandContext, work: (tx: Tx) => Promise<R>): Promise<R> {
  return ctx.db.$transaction(work).catch((err: unknown) => {
    throw nameTaken(err) ? refusal(409, 'name', 'another fleet of this store has this name') : err;
  });
}

export const createFleetCommand = defineCommand<typeof fleetAccountSchema, { id: string }, StoreSubject>({
  name: 'fleet.create',
  action: 'fleet.manage',
  schema: fleetAccountSchema,
  run: (ctx, { storeId }, input) =>
    inTransaction(ctx, async (tx) => {
      const fleet = await tx.fleetAccount.create({ data: { storeId, name: input.name, note: input.note ?? null, contacts: { create: contactRows(input) } } });
      await recordStoreEvent(tx, { storeId, action: 'fleet.created', actor: ctx.principal.id, at: ctx.at, data: { fleetId: fleet.id, ...input } });
      return { id: fleet.id };
    }),
});

export const editFleetCommand = defineCommand<typeof fleetAccountSchema, { id: string }, FleetSubject>({
  name: 'fleet.edit',
  action: 'fleet.manage',
  schema: fleetAccountSchema,
  run: (ctx, subject, input) =>
    inTransaction(ctx, async (tx) => {
      await lockFleet(tx, subject);
      const before = await tx.fleetAccount.findUniqueOrThrow({ where: { id: subject.fleetId }, select: { name: true, note: true, contacts: { select: { name: true, phone: true, email: true } } } });
      await tx.fleetContact.deleteMany({ where: { fleetAccountId: subject.fleetId } });
      await tx.fleetAccount.update({ where: { id: subject.fleetId }, data: { name: input.name, note: input.note ?? null, contacts: { create: contactRows(input) } } });
      await recordStoreEvent(tx, { storeId: subject.storeId, action: 'fleet.edited', actor: ctx.principal.id, at: ctx.at, data: { fleetId: subject.fleetId, before, after: input } });
      return { id: subject.fleetId };
    }),
});

/** A vehicle of the store joins the fleet; one fleet at a time (detach it from the other first). */
export const attachFleetVehicleCommand = defineCommand<typeof fleetVehicleSchema, { fleetId: string; vin: string }, FleetSubject>({
  name: 'fleet.vehicle.attach',
  action: 'fleet.manage',
  schema: fleetVehicleSchema,
  run: (ctx, subject, { vin }) =>
    ctx.db.$transaction(async (tx) => {
      await lockFleet(tx, subject);
      const vehicle = await tx.vehicle.findFirst({ where: { vin, storeId: subject.storeId }, select: { fleetAccountId: true } });
      if (!vehicle) throw refusal(404, 'vin', `no vehicle ${vin} in store ${subject.storeId}`);
      if (vehicle.fleetAccountId === subject.fleetId) throw refusal(409, 'vin', 'is already a vehicle of this fleet');
      if (vehicle.fleetAccountId) throw refusal(409, 'vin', 'belongs to another fleet: detach it there first');
      await tx.vehicle.update({ where: { vin }, data: { fleetAccountId: subject.fleetId } });
      await recordStoreEvent(tx, { storeId: subject.storeId, action: 'fleet.vehicle-attached', actor: ctx.principal.id, at: ctx.at, data: { fleetId: subject.fleetId, vin } });
      return { fleetId: subject.fleetId, vin };
    }),
});

export type FleetVehicleSubject = FleetSubject & { vin: string };

export const detachFleetVehicleCommand = defineCommand<z.ZodObject<Record<string, never>>, { fleetId: string; vin: string }, FleetVehicleSubject>({
  name: 'fleet.vehicle.detach',
  action: 'fleet.manage',
  schema: z.strictObject({}),
  run: (ctx, subject) =>
    ctx.db.$transaction(async (tx) => {
      await lockFleet(tx, subject);
      const { count } = await tx.vehicle.updateMany({ where: { vin: subject.vin, fleetAccountId: subject.fleetId }, data: { fleetAccountId: null } });
      if (!count) throw new HttpError(404, `${subject.vin} is not a vehicle of fleet ${subject.fleetId}`);
      await recordStoreEvent(tx, { storeId: subject.storeId, action: 'fleet.vehicle-detached', actor: ctx.principal.id, at: ctx.at, data: { fleetId: subject.fleetId, vin: subject.vin } });
      return { fleetId: subject.fleetId, vin: subject.vin };
    }),
});

export interface RecordedFleetRequest {
  id: string;
  receivedAt: Date;
  workflowId: string;
}

/**
 * R25: the fleet's request, received now by the signed-in person; refused (422) when it comes less than
 * 24 h before the time it asks for, or names a vehicle that is not the fleet's. The request's deadline
 * workflow records it in its first step (as a lifecycle records its vehicle), so there is never a
 * request without its deadline, nor a deadline without its request.
 */
export const recordFleetRequestCommand = defineCommand<typeof fleetRequestSchema, RecordedFleetRequest, FleetSubject>({
  name: 'fleet.request.record',
  action: 'fleet.request',
  schema: fleetRequestSchema,
  async run(ctx, subject, input) {
    const shortfall = leadTimeShortfall(ctx.at.getTime(), Date.parse(input.requestedFor));
    if (shortfall) throw refusal(422, 'requestedFor', shortfall);
    const vins = [...new Set(input.vins)];
    const fleet = await ctx.db.fleetAccount.findFirst({ where: { id: subject.fleetId, storeId: subject.storeId }, select: { name: true, vehicles: { where: { vin: { in: vins } }, select: { vin: true } } } });
    if (!fleet) throw new HttpError(404, `no fleet ${subject.fleetId}`);
    const others = vins.filter((vin) => !fleet.vehicles.some((v) => v.vin === vin));
    if (others.length) throw refusal(422, 'vins', `not vehicles of this fleet: ${others.join(', ')}`);
    const id = randomUUID();
    const workflowId = fleetRequestWorkflowId(id);
    const start: FleetRequestInput = {
      requestId: id,
      storeId: subject.storeId,
      fleetId: subject.fleetId,
      fleetName: fleet.name,
      vins,
      requestedFor: new Date(input.requestedFor).toISOString(),
      service: input.service,
      receivedAt: ctx.at.toISOString(),
      receivedBy: ctx.principal.id,
    };
    await ctx.client.workflow.start('fleetRequest', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId, args: [start] });
    return { id, receivedAt: ctx.at, workflowId };
  },
});

/**
 * R25: the store's answer, a time and a place. It closes the request's open tasks (the advisors', or the
 * service manager's after an escalation) and tells the deadline workflow, which has ended already when
 * the answer comes after the escalation.
 */
export const answerFleetRequestCommand = defineCommand<typeof fleetAnswerSchema, { id: string; answeredAt: Date; late: boolean }, FleetRequestSubject>({
  name: 'fleet.request.answer',
  action: 'fleet.request',
  schema: fleetAnswerSchema,
  async run(ctx, subject, input) {
    if (Date.parse(input.time) <= ctx.at.getTime()) throw refusal(422, 'time', 'must be in the future');
    const actor = ctx.principal.id;
    const request = await ctx.db.$transaction(async (tx) => {
      await lockFleet(tx, subject);
      const found = await tx.$queryRaw<{ status: string }[]>`SELECT "status" FROM "FleetRequest" WHERE "id" = ${subject.requestId} AND "fleetAccountId" = ${subject.fleetId} FOR UPDATE`;
      if (found.length === 0) throw new HttpError(404, `no fleet request ${subject.requestId}`);
      if (found[0].status !== 'OPEN') throw new HttpError(409, 'the fleet request is already answered');
      const answered = await tx.fleetRequest.update({
        where: { id: subject.requestId },
        data: { status: 'ANSWERED', answeredTime: new Date(input.time), answeredPlace: input.place, answeredAt: ctx.at, answeredBy: actor },
      });
      await tx.task.updateMany({ where: { workflowId: answered.workflowId, kind: 'FLEET_REQUEST_ANSWER', status: 'OPEN' }, data: { status: 'DONE', completedBy: actor, completedAt: ctx.at, outcome: input } });
      const late = ctx.at > answered.answerBy;
      const data = { requestId: answered.id, fleetId: subject.fleetId, time: input.time, place: input.place, late };
      await recordStoreEvent(tx, { storeId: subject.storeId, action: 'fleet-request.answered', actor, at: ctx.at, data });
      const vins = (await tx.fleetRequestVehicle.findMany({ where: { requestId: answered.id }, select: { vin: true } })).map((v) => v.vin);
      await tx.auditEvent.createMany({
        data: vins.map((vin) => ({ idempotencyKey: `${answered.workflowId}:answered:${vin}`, vin, workflowId: answered.workflowId, runId: 'api', cycle: 1, rule: 'R25', action: 'fleet-request.answered', actor, occurredAt: ctx.at, data })),
      });
      return { workflowId: answered.workflowId, late };
    });
    // The answer is committed: the signal only ends the wait early. A workflow past its escalation has
    // ended already, and one the signal misses finds the answer in the database at its deadline and pages
    // nobody, so a failed signal must not tell the person their answer failed.
    await ctx.client.workflow
      .getHandle(request.workflowId)
      .signal(fleetRequestAnswered, { by: actor, at: ctx.at.toISOString() })
      .catch(() => undefined);
    return { id: subject.requestId, answeredAt: ctx.at, late: request.late };
  },
});

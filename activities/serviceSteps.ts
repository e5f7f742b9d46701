// The steps people perform in a service cycle, each one transaction with its audit event.
import { ApplicationFailure } from '@temporalio/common';
import type { AdditionalWorkDecision, AdditionalWorkReport, CallOutcomeInput, CheckInInput, ConfirmationInput, DeliveryInput, FollowUpInput, InboundBookingInput, WalkInInput, CorrectionInput, SalesCallInput, StaffAssignmentInput, PreparationCompleteInput, ProgressCheckInput, PartsDepositInput } from '../workflows/lifecycle/contract';
import { DepositAsked, partsDeposit } from '../domain/partsDeposit';
import type { ReservationResult } from './parts';
import type { BookingChannel, BookingStatus } from '../generated/prisma/enums';
import { AlsoAudited, auditedStep, StepRecord, Tx } from './auditedStep';
import { CapacityOf, capacityCache } from './capacityModel';
import { servicePlanCache, ServicePlanTerms } from './servicePlans';
import { claimBayForBooking, moveBookingTime, placeBookingOnBay, releaseBookingCapacity, reservePlanParts } from './bookingCapacity';
import { Db } from './database';
import { StepContext, stepKey } from './stepContext';
import { queueFleetRepairReport } from './fleetRepairReport';
import { queueForCustomerInTx } from './notifications';
import { attemptSuffix, cancelOpenTasks, closeTask, openTaskInTx, TaskSpec } from './tasks';

const PERIODIC_MAINTENANCE = 'Periodic maintenance / 定期保养';

/** The cycle's one booking, keyed so that whichever path books (call, inbound, walk-in) books once. */
async function createBooking(
  tx: Tx,
  ctx: StepContext,
  b: { storeId: string; channel: BookingChannel; status?: BookingStatus; bookedFor: string; requests?: string; createdBy: string },
  capacityOf: CapacityOf,
): Promise<string> {
  const booking = await tx.booking.create({
    data: { idempotencyKey: stepKey(ctx, 'booking'), vin: ctx.vin, cycle: ctx.cycle, ...b, bookedFor: new Date(b.bookedFor) },
  });
  // A walk-in is already in the workshop: it uses the capacity kept free (R8), not a booked slot.
  if (b.channel !== 'WALK_IN') {
    await claimBayForBooking(tx, { storeId: b.storeId, bookingId: booking.id, vin: ctx.vin, bookedFor: booking.bookedFor, actor: b.createdBy, capacityOf }, new Date(ctx.at));
  }
  return booking.id;
}

async function recordMileage(tx: Tx, ctx: StepContext, mileageKm: number): Promise<void> {
  await tx.vehicle.update({ where: { vin: ctx.vin }, data: { mileageKm, mileageRecordedAt: new Date(ctx.at) } });
}

/**
 * What a booking step prepares with the booking itself (R6): the work order from the service plan and
 * the technical director's task, so the person's step answers after one transaction.
 */
export interface Preparation {
  servicePlanId: string | null;
  task: TaskSpec;
  /** R6b: the store's threshold at the time of booking; parts to order costing this much ask a deposit. */
  partsDepositFromCny?: number;
}

/** A booking step's result: the booking, its work order when it made one, and the deposit its parts ask (R6b). */
export type BookingMade = {
  bookingId: string;
  repairOrderId?: string;
  deposit?: DepositAsked;
};

/**
 * R6b: the parts the work order reserved that no shelf and no open order covers must be ordered for this
 * customer; when they are expensive the booking asks for half their price before they are ordered.
 */
async function askPartsDeposit(tx: Tx, bookingId: string, reserved: ReservationResult | undefined, fromCny: number, alsoAudited: AlsoAudited): Promise<DepositAsked | undefined> {
  const toOrder = reserved?.readiness.parts.filter((p) => p.source === 'ORDER_NEEDED') ?? [];
  if (toOrder.length === 0) return undefined;
  const parts = await tx.part.findMany({ where: { partNumber: { in: toOrder.map((p) => p.partNumber) } } });
  const priced = toOrder.map((p) => {
    const part = parts.find((x) => x.partNumber === p.partNumber)!;
    return { partNumber: p.partNumber, quantity: p.quantity, priceCny: Number(part.priceCny), leadDays: part.leadDays };
  });
  const asked = partsDeposit(priced, { partsDepositFromCny: fromCny });
  if (!asked) return undefined;
  await tx.booking.update({ where: { id: bookingId }, data: { depositRequiredCny: asked.depositCny } });
  alsoAudited({ step: 'parts-deposit-asked', action: 'parts-deposit.asked', rule: 'R6b', actor: 'system', data: { bookingId, ...asked, parts: priced } }, null);
  return asked;
}

/** R3: a reminder call's outcome; `attempt` counts the calls (absent: the first), `preparation` comes with a booked time. */
export interface CallOutcomeStep {
  input: CallOutcomeInput;
  storeId: string;
  attempt?: number;
  preparation?: Preparation;
}

/** R5: an inbound booking, with what it prepares (R6). */
export interface InboundBookingStep {
  input: InboundBookingInput;
  storeId: string;
  preparation?: Preparation;
}

/** R6: preparation complete for the booking's work order; `round` counts the times it was asked (absent: the first). */
export interface PreparationCompleteStep {
  input: PreparationCompleteInput;
  bookingId: string;
  repairOrderId: string;
  round?: number;
}

/** R7: the booking confirmed in the confirmation call of `round` (absent: the first). */
export interface ConfirmationStep {
  input: ConfirmationInput;
  bookingId: string;
  round?: number;
}

function workOrderCreated(bookingId: string, servicePlanId: string | null): StepRecord {
  return { step: 'work-order', action: 'work-order.created', rule: 'R6', actor: 'system', data: { bookingId, servicePlanId } };
}

function payloadOf<T extends { actor: string }>(input: T): Record<string, unknown> {
  const { actor: _actor, ...rest } = input;
  return rest;
}

export function serviceStepActivities(db: Db) {
  const capacityOf = capacityCache();
  const planOf = servicePlanCache();

  async function createWorkOrder(tx: Tx, ctx: StepContext, bookingId: string, servicePlanId: string | null): Promise<{ repairOrderId: string; reserved?: ReservationResult }> {
    const plan = await planOf(tx, servicePlanId);
    const order = await createRepairOrder(tx, ctx, bookingId, plan, PERIODIC_MAINTENANCE);
    const reserved = await reservePlanParts(tx, bookingId, plan, new Date(ctx.at));
    return { repairOrderId: order.id, reserved };
  }

  /** R6 (and R6b) inside the booking's transaction, audited as the work order and the task on their own would be. */
  async function prepareInTx(tx: Tx, ctx: StepContext, bookingId: string, p: Preparation, alsoAudited: AlsoAudited): Promise<BookingMade> {
    const { repairOrderId, reserved } = await createWorkOrder(tx, ctx, bookingId, p.servicePlanId);
    alsoAudited(workOrderCreated(bookingId, p.servicePlanId), { repairOrderId });
    await openTaskInTx(tx, ctx, p.task, alsoAudited);
    const deposit = p.partsDepositFromCny === undefined ? undefined : await askPartsDeposit(tx, bookingId, reserved, p.partsDepositFromCny, alsoAudited);
    return { bookingId, repairOrderId, ...(deposit ? { deposit } : {}) };
  }

  return {
    /**
     * R3: the reminder call's outcome; a booked time becomes a tentative booking (R5), with `preparation`
     * also its work order and preparation task (R6); mileage is kept (R1).
     */
    async recordCallOutcome(ctx: StepContext, { input, storeId, attempt = 1, preparation }: CallOutcomeStep): Promise<Omit<BookingMade, 'bookingId'> & { bookingId: string | null }> {
      const action = input.outcome === 'BOOKED' ? 'booking.tentative' : `call.${input.outcome.toLowerCase()}`;
      const rule = input.outcome === 'BOOKED' ? 'R5' : input.outcome === 'UNDECIDED' ? 'R4' : 'R3';
      return auditedStep(db, ctx, { step: `call-outcome${attemptSuffix(attempt)}`, action, rule, actor: input.actor, data: { ...payloadOf(input), attempt } }, async (tx, alsoAudited) => {
        await closeTask(tx, ctx, 'REMINDER_CALL', input.actor, payloadOf(input), attempt);
        if (input.mileageKm !== undefined) await recordMileage(tx, ctx, input.mileageKm);
        if (input.outcome !== 'BOOKED') return { bookingId: null };
        const bookingId = await createBooking(tx, ctx, { storeId, channel: 'REMINDER_CALL', bookedFor: input.bookedFor!, requests: input.requests, createdBy: input.actor }, capacityOf);
        return preparation ? prepareInTx(tx, ctx, bookingId, preparation, alsoAudited) : { bookingId };
      });
    },

    /** R5: the customer booked by phone, web/app or at the counter; pending reminder calls become moot. */
    async bookInbound(ctx: StepContext, { input, storeId, preparation }: InboundBookingStep): Promise<BookingMade> {
      return auditedStep(db, ctx, { step: 'inbound-booking', action: 'booking.tentative', rule: 'R5', actor: input.actor, data: payloadOf(input) }, async (tx, alsoAudited) => {
        await cancelOpenTasks(tx, ctx, 'REMINDER_CALL', input.actor, `booked via ${input.channel}`);
        if (input.mileageKm !== undefined) await recordMileage(tx, ctx, input.mileageKm);
        const requests = [input.faultDescription, input.requests].filter(Boolean).join('\n');
        const bookingId = await createBooking(tx, ctx, { storeId, channel: input.channel, bookedFor: input.bookedFor, requests, createdBy: input.actor }, capacityOf);
        return preparation ? prepareInTx(tx, ctx, bookingId, preparation, alsoAudited) : { bookingId };
      });
    },

    /** R6: work order with its estimate from the model's service plan, parts checked against stock, for a booking made without one. */
    async prepareWorkOrder(ctx: StepContext, bookingId: string, servicePlanId: string | null): Promise<{ repairOrderId: string }> {
      return auditedStep(db, ctx, workOrderCreated(bookingId, servicePlanId), async (tx) => ({ repairOrderId: (await createWorkOrder(tx, ctx, bookingId, servicePlanId)).repairOrderId }));
    },

    /** R6b: the customer paid the deposit for the booking's expensive parts; the order may go out, the SA's call is done. */
    async recordPartsDeposit(ctx: StepContext, input: PartsDepositInput, bookingId: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'parts-deposit', action: 'parts-deposit.paid', rule: 'R6b', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await tx.booking.update({ where: { id: bookingId }, data: { depositPaidCny: input.amountCny, depositPaidAt: new Date(ctx.at), depositPaidBy: input.actor } });
        await tx.task.updateMany({
          where: { vin: ctx.vin, workflowId: ctx.workflowId, cycle: ctx.cycle, kind: 'PARTS_DEPOSIT_CALL', status: 'OPEN' },
          data: { status: 'DONE', completedBy: input.actor, completedAt: new Date(ctx.at), outcome: payloadOf(input) as never },
        });
        return null;
      });
    },

    /** R6: the technical director reports preparation complete to the SA. */
    async completePreparation(ctx: StepContext, { input, bookingId, repairOrderId, round = 1 }: PreparationCompleteStep): Promise<null> {
      return auditedStep(db, ctx, { step: `preparation${attemptSuffix(round)}`, action: 'preparation.completed', rule: 'R6', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'PREPARATION', input.actor, payloadOf(input), round);
        if (input.bayId) {
          const bay = await tx.bay.findUnique({ where: { id: input.bayId } });
          if (!bay || bay.removedAt) throw ApplicationFailure.nonRetryable(bay ? `bay ${input.bayId} was removed from the workshop` : `unknown bay ${input.bayId}`, 'UnknownBay');
          const booking = await tx.booking.update({ where: { id: bookingId }, data: { bayId: input.bayId } });
          await placeBookingOnBay(tx, { storeId: booking.storeId, bookingId, vin: ctx.vin, bookedFor: booking.bookedFor, actor: input.actor, capacityOf }, input.bayId, new Date(ctx.at));
        }
        await tx.repairOrder.update({ where: { id: repairOrderId }, data: { status: 'PREPARED' } });
        return null;
      });
    },

    /** R7: the customer confirmed in the call 2 days before: the booking becomes formal. */
    async confirmBooking(ctx: StepContext, { input, bookingId, round = 1 }: ConfirmationStep): Promise<null> {
      return auditedStep(db, ctx, { step: `confirmation${attemptSuffix(round)}`, action: 'booking.confirmed', rule: 'R7', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'CONFIRMATION_CALL', input.actor, { confirmed: true }, round);
        await tx.booking.update({ where: { id: bookingId }, data: { status: 'CONFIRMED' } });
        return null;
      });
    },

    /** R7/R8: the customer wants another time; the booking moves and preparation is checked again for it. */
    async rescheduleBooking(ctx: StepContext, input: ConfirmationInput, bookingId: string, round: number): Promise<null> {
      return auditedStep(db, ctx, { step: `reschedule${attemptSuffix(round)}`, action: 'booking.rescheduled', rule: 'R7', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'CONFIRMATION_CALL', input.actor, payloadOf(input), round);
        const booking = await tx.booking.update({ where: { id: bookingId }, data: { bookedFor: new Date(input.newBookedFor!), status: 'TENTATIVE' } });
        await moveBookingTime(tx, { storeId: booking.storeId, bookingId, vin: ctx.vin, bookedFor: booking.bookedFor, actor: input.actor, capacityOf }, new Date(ctx.at));
        return null;
      });
    },

    /** R9: cancellation keeps its record and reason, returns reserved parts, cancels the work order, frees the bay. */
    async cancelBooking(ctx: StepContext, input: ConfirmationInput, bookingId: string, repairOrderId: string, round: number): Promise<null> {
      return auditedStep(db, ctx, { step: `cancel${attemptSuffix(round)}`, action: 'booking.cancelled', rule: 'R9', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'CONFIRMATION_CALL', input.actor, payloadOf(input), round);
        const booking = await tx.booking.update({ where: { id: bookingId }, data: { status: 'CANCELLED', cancelReason: input.reason, bayId: null } });
        await releaseBookingCapacity(tx, bookingId, input.actor, `cancelled: ${input.reason}`, new Date(ctx.at));
        const order = await tx.repairOrder.update({ where: { id: repairOrderId }, data: { status: 'CANCELLED' }, include: { items: true } });
        for (const item of order.items) {
          if (!item.partNumber) continue;
          await tx.partStock.updateMany({
            where: { storeId: booking.storeId, partNumber: item.partNumber, reserved: { gte: item.quantity } },
            data: { reserved: { decrement: item.quantity } },
          });
        }
        return null;
      });
    },

    /** R10: the booking's SA and technician, named to the customer in the SMS that follows. */
    async assignStaff(ctx: StepContext, input: StaffAssignmentInput, bookingId: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'staff-assignment', action: 'booking.staff-assigned', rule: 'R10', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'STAFF_ASSIGNMENT', input.actor, payloadOf(input));
        await tx.booking.update({ where: { id: bookingId }, data: { advisorId: input.advisorId, technicianId: input.technicianId } });
        return null;
      });
    },

    /** The customer did not come: the booking says so and the SA gets a call to make. */
    async markNoShow(ctx: StepContext, bookingId: string, callBy: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'no-show', action: 'booking.no-show', rule: 'R11', actor: 'system', data: { bookingId } }, async (tx) => {
        await tx.booking.update({ where: { id: bookingId }, data: { status: 'NO_SHOW' } });
        await tx.task.create({
          data: { idempotencyKey: stepKey(ctx, 'task:NO_SHOW_CALL'), vin: ctx.vin, workflowId: ctx.workflowId, cycle: ctx.cycle, kind: 'NO_SHOW_CALL', rule: 'R11', dueAt: new Date(callBy), assigneeRole: 'SERVICE_ADVISOR' },
        });
        return null;
      });
    },

    /** R12: reception: the reception sheet on the repair order, the promised time, hand-over to the workshop. */
    async checkIn(ctx: StepContext, input: CheckInInput, bookingId: string, repairOrderId: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'check-in', action: 'vehicle.checked-in', rule: 'R12', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await tx.booking.update({ where: { id: bookingId }, data: { status: 'ARRIVED' } });
        await cancelOpenTasks(tx, ctx, 'NO_SHOW_CALL', input.actor, 'the customer arrived');
        await cancelOpenTasks(tx, ctx, 'STAFF_ASSIGNMENT', input.actor, 'the customer arrived');
        await tx.repairOrder.update({ where: { id: repairOrderId }, data: receptionOf(ctx, input) });
        await recordMileage(tx, ctx, input.mileageKm);
        return null;
      });
    },

    /** R12: a walk-in is booking, work order and check-in in one: the car is already at the counter. */
    async receiveWalkIn(ctx: StepContext, input: WalkInInput, storeId: string, servicePlanId: string | null): Promise<{ bookingId: string; repairOrderId: string }> {
      return auditedStep(db, ctx, { step: 'walk-in', action: 'vehicle.walked-in', rule: 'R12', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await cancelOpenTasks(tx, ctx, 'REMINDER_CALL', input.actor, 'the customer walked in');
        const bookingId = await createBooking(tx, ctx, { storeId, channel: 'WALK_IN', status: 'ARRIVED', bookedFor: ctx.at, requests: input.complaint, createdBy: input.actor }, capacityOf);
        const order = await createRepairOrder(tx, ctx, bookingId, await planOf(tx, servicePlanId), input.complaint ?? PERIODIC_MAINTENANCE, receptionOf(ctx, input));
        await recordMileage(tx, ctx, input.mileageKm);
        return { bookingId, repairOrderId: order.id };
      });
    },

    /**
     * A manager took a confirmed booking back to its confirmation call before the car arrived: the
     * booking is tentative again and the arrival tasks (staff assignment, no-show call) are cancelled.
     */
    async reopenConfirmation(ctx: StepContext, input: CorrectionInput, bookingId: string, round: number): Promise<null> {
      return auditedStep(db, ctx, { step: `back-to-confirmation${attemptSuffix(round)}`, action: 'lifecycle.back-to-confirmation', rule: 'R7', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await tx.task.updateMany({
          where: { workflowId: ctx.workflowId, cycle: ctx.cycle, status: 'OPEN', kind: { in: ['STAFF_ASSIGNMENT', 'NO_SHOW_CALL'] } },
          data: { status: 'CANCELLED', completedBy: input.actor, completedAt: new Date(ctx.at), outcome: { reason: input.reason } },
        });
        await tx.booking.update({ where: { id: bookingId }, data: { status: 'TENTATIVE' } });
        return null;
      });
    },

    /** A manager closed the lifecycle (car sold, scrapped, moved away): open work is cancelled with the reason. */
    async closeLifecycle(ctx: StepContext, input: CorrectionInput): Promise<null> {
      return auditedStep(db, ctx, { step: 'closed', action: 'lifecycle.closed', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        const when = new Date(ctx.at);
        await tx.task.updateMany({ where: { workflowId: ctx.workflowId, status: 'OPEN' }, data: { status: 'CANCELLED', completedBy: input.actor, completedAt: when, outcome: { reason: input.reason } } });
        const open = await tx.booking.findMany({ where: { vin: ctx.vin, cycle: ctx.cycle, status: { in: ['TENTATIVE', 'CONFIRMED'] } }, select: { id: true } });
        for (const { id } of open) await releaseBookingCapacity(tx, id, input.actor, `lifecycle closed: ${input.reason}`, when);
        await tx.booking.updateMany({ where: { vin: ctx.vin, cycle: ctx.cycle, status: { in: ['TENTATIVE', 'CONFIRMED'] } }, data: { status: 'CANCELLED', cancelReason: input.reason, bayId: null } });
        return null;
      });
    },

    /** R14: the SA's answer from the workshop at 80% of the estimated time; a delay moves the promised time. */
    async recordProgressCheck(ctx: StepContext, input: ProgressCheckInput, repairOrderId: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'progress-check', action: input.onTime ? 'progress.on-time' : 'progress.delayed', rule: 'R14', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'PROGRESS_CHECK', input.actor, payloadOf(input));
        if (input.newPromisedReadyAt) {
          await tx.repairOrder.update({ where: { id: repairOrderId }, data: { promisedReadyAt: new Date(input.newPromisedReadyAt) } });
        }
        return null;
      });
    },

    /** R13: the workshop's findings join the order as not yet approved; the SA gets the call to make. */
    async reportAdditionalWork(ctx: StepContext, input: AdditionalWorkReport, repairOrderId: string, round: number, callBy: string): Promise<null> {
      return auditedStep(db, ctx, { step: `additional-work${attemptSuffix(round)}`, action: 'additional-work.found', rule: 'R13', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await tx.repairOrderItem.createMany({
          data: input.items.map((item) => ({
            repairOrderId,
            description: item.description,
            priceCny: item.priceCny,
            laborHours: item.laborHours ?? 0,
            safety: item.safety ?? false,
            additional: true,
            approved: false,
          })),
          skipDuplicates: true,
        });
        await tx.task.create({
          data: {
            idempotencyKey: stepKey(ctx, `task:ADDITIONAL_WORK_CALL${attemptSuffix(round)}`),
            vin: ctx.vin,
            workflowId: ctx.workflowId,
            cycle: ctx.cycle,
            kind: 'ADDITIONAL_WORK_CALL',
            rule: 'R13',
            dueAt: new Date(callBy),
            assigneeRole: 'SERVICE_ADVISOR',
          },
        });
        // The customer has the items and prices in writing when the SA calls.
        await queueForCustomerInTx(tx, ctx, {
          template: 'additional-work',
          rule: 'R13',
          step: `additional-work${attemptSuffix(round)}`,
          payload: () => ({
            extraHours: input.extraHours,
            items: input.items.map((item) => ({ description: item.description, priceCny: Number(item.priceCny).toFixed(2), safety: item.safety ?? false })),
          }),
        });
        return null;
      });
    },

    /** R13: the customer's answer, at the time of the call; approved items move the promised time. */
    async decideAdditionalWork(ctx: StepContext, input: AdditionalWorkDecision, repairOrderId: string, round: number, items: string[], promisedReadyAt: string): Promise<null> {
      return auditedStep(db, ctx, { step: `additional-work-decision${attemptSuffix(round)}`, action: input.approved ? 'additional-work.approved' : 'additional-work.declined', rule: 'R13', actor: input.actor, data: { ...payloadOf(input), items, promisedReadyAt } }, async (tx) => {
        await closeTask(tx, ctx, 'ADDITIONAL_WORK_CALL', input.actor, payloadOf(input), round);
        await tx.repairOrderItem.updateMany({
          where: { repairOrderId, description: { in: items }, additional: true, decidedAt: null },
          data: { approved: input.approved, decidedAt: new Date(ctx.at) },
        });
        await tx.repairOrder.update({ where: { id: repairOrderId }, data: { promisedReadyAt: new Date(promisedReadyAt) } });
        return null;
      });
    },

    /** R16: settlement and hand-over; an underpaid settlement stays flagged; the service history moves on (R1). */
    async deliverVehicle(ctx: StepContext, input: DeliveryInput, repairOrderId: string, service: { serviceDate: string; mileageKm: number }): Promise<{ underpaid: boolean }> {
      const underpaid = input.amountPaidCny < input.amountDueCny;
      return auditedStep(db, ctx, { step: 'delivery', action: 'vehicle.delivered', rule: 'R16', actor: input.actor, data: { ...payloadOf(input), underpaid } }, async (tx, alsoAudited) => {
        await tx.repairOrder.update({
          where: { id: repairOrderId },
          data: { status: 'DELIVERED', deliveredAt: new Date(ctx.at), settledCny: input.amountPaidCny, underpaid },
        });
        // A progress check still open when the customer collects early is moot, not forgotten.
        await tx.task.updateMany({ where: { vin: ctx.vin, cycle: ctx.cycle, status: 'OPEN', kind: 'PROGRESS_CHECK' }, data: { status: 'CANCELLED', completedBy: input.actor, completedAt: new Date(ctx.at) } });
        await tx.vehicle.update({ where: { vin: ctx.vin }, data: { lastServiceDate: new Date(service.serviceDate), lastServiceKm: service.mileageKm } });
        await queueFleetRepairReport(tx, ctx, repairOrderId, alsoAudited);
        return { underpaid };
      });
    },

    /** R17: the 3-day follow-up call's CSI scores. */
    async recordFollowUp(ctx: StepContext, input: FollowUpInput): Promise<null> {
      return auditedStep(db, ctx, { step: 'follow-up', action: 'follow-up.recorded', rule: 'R17', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'FOLLOW_UP_CALL', input.actor, payloadOf(input));
        await tx.followUpSurvey.create({
          data: {
            idempotencyKey: stepKey(ctx, 'survey'),
            vin: ctx.vin,
            cycle: ctx.cycle,
            attitudeScore: input.attitudeScore,
            qualityScore: input.qualityScore,
            comment: input.comment,
            qualityLossCny: input.qualityLossCny,
            qualityIncident: input.qualityIncident,
            recordedBy: input.actor,
            recordedAt: new Date(ctx.at),
          },
        });
        return null;
      });
    },

    /** R19: the sales consultant's call to a first-service customer who was not fully satisfied. */
    async recordSalesCall(ctx: StepContext, input: SalesCallInput): Promise<null> {
      return auditedStep(db, ctx, { step: 'sales-call', action: 'satisfaction-call.recorded', rule: 'R19', actor: input.actor, data: payloadOf(input) }, async (tx) => {
        await closeTask(tx, ctx, 'SATISFACTION_CALL', input.actor, payloadOf(input));
        return null;
      });
    },
  };
}

type Reception = ReturnType<typeof receptionOf>;

/** R12: what the check-in writes on the repair order; the hand-over is the check-in's moment unless the SA says when. */
function receptionOf(ctx: StepContext, input: CheckInInput) {
  return {
    status: 'IN_PROGRESS' as const,
    checkedInAt: new Date(ctx.at),
    checkInMileageKm: input.mileageKm,
    promisedReadyAt: new Date(input.promisedReadyAt),
    promiseMarginMinutes: input.promiseMarginMinutes ?? null,
    fuelLevel: input.fuelLevel ?? null,
    walkAroundFindings: input.walkAroundFindings ?? null,
    itemsLeftInCar: input.itemsLeftInCar ?? null,
    keyTag: input.keyTag ?? null,
    priceMethod: input.priceMethod ?? null,
    partsSource: input.partsSource ?? null,
    receivedBy: input.actor,
    handedOverAt: new Date(input.handedOverAt ?? ctx.at),
  };
}

/** The cycle's repair order with its one item and estimate from the model's service plan (R6, R12). */
async function createRepairOrder(
  tx: Tx,
  ctx: StepContext,
  bookingId: string,
  plan: ServicePlanTerms | null,
  description: string,
  reception: Reception | Record<string, never> = {},
): Promise<{ id: string }> {
  // Two plain inserts: a nested create would read the order back once more.
  const order = await tx.repairOrder.create({
    data: { idempotencyKey: stepKey(ctx, 'repair-order'), vin: ctx.vin, bookingId, cycle: ctx.cycle, estimateCny: plan?.estimateCny ?? null, ...reception },
    select: { id: true },
  });
  await tx.repairOrderItem.create({ data: { repairOrderId: order.id, description, laborHours: plan?.laborHours ?? 1, priceCny: plan?.estimateCny ?? 0 }, select: { id: true } });
  return order;
}

// R2 reminder → R3 call(s) → R5 tentative booking; R4 second call for the undecided; inbound bookings
// from any channel are taken at any point until a booking exists.
import { localDate, addDays, localTime } from '../../../domain/calendar';
import { reminderAt, reminderCallWindow, retryCallWindow, secondCallWindow, ContactWindow } from '../../../domain/contactSchedule';
import type { DueDate } from '../../../domain/dueDate';
import { bookInbound, CallOutcomeInput, recordCallOutcome, Stage, walkIn } from '../contract';
import type { AdvanceBooking, Booking } from '../decisions';
import { Waiting, iso } from '../../shared';
import { awaitedLater, Lifecycle } from '../lifecycle';
import type { BookingMade, Preparation } from '../../../activities/serviceSteps';
import { recomputeDueDate } from './dueDate';
import { preparationTask } from './preparation';

/** What a booking at `bookedFor` prepares in its own transaction (R6). */
function preparationWith(lc: Lifecycle, bookedFor: string): Preparation {
  return { servicePlanId: lc.policy.servicePlanId, task: preparationTask(lc, Date.parse(bookedFor), 1), partsDepositFromCny: lc.settings.partsDepositFromCny };
}

function prepared(preparation: Preparation, made: Omit<BookingMade, 'bookingId'>): AdvanceBooking['prepared'] {
  return { repairOrderId: made.repairOrderId!, task: preparation.task, ...(made.deposit ? { deposit: made.deposit } : {}) };
}

/**
 * One booking at a time, so a call outcome, an inbound booking and a walk-in can never both book: the path
 * that books holds the claim while its activity runs, and the other paths step aside as soon as it does —
 * their steps end (an Update of theirs is out of turn, 409) and their waits stop, exactly as once booked.
 * A refused booking (data the database refuses, an unknown bay …: `perform` answers 422 and keeps that
 * step open) gives the claim back, and the paths that stepped aside take up their step or their wait again
 * (`resume`), so every path stays open for a corrected step. Stepping aside at the claim rather than only
 * once booked keeps the commands of a booking that goes through where recorded histories have them.
 */
export interface BookingClaim {
  /** True while a booking is being applied, and for good once one went through: the other paths step aside. */
  taken(): boolean;
  /** A booking is being applied and has not gone through yet. */
  pending(): boolean;
  /** Applies a booking holding the claim; its failure gives the claim back. */
  hold<R>(apply: () => Promise<R>): Promise<R>;
  /** For a path that stepped aside: true when the booking it gave way to was refused (the path goes on), false once booked. */
  resume(): Promise<boolean>;
}

export function bookingClaim(): BookingClaim {
  let holder: { outcome: Promise<boolean>; booked: boolean } | undefined;
  return {
    taken: () => holder !== undefined,
    pending: () => holder !== undefined && !holder.booked,
    async hold<R>(apply: () => Promise<R>): Promise<R> {
      let settle!: (booked: boolean) => void;
      const held = { outcome: new Promise<boolean>((resolve) => (settle = resolve)), booked: false };
      holder = held;
      try {
        const result = await apply();
        held.booked = true;
        settle(true);
        return result;
      } catch (err) {
        holder = undefined;
        settle(false);
        throw err;
      }
    },
    async resume(): Promise<boolean> {
      for (let held = holder; held; held = holder) if (await held.outcome) return false;
      return true;
    },
  };
}

/** A booking path's step, taken up again after stepping aside for a booking that was refused; undefined once booked or `over`. */
async function unlessBooked<R>(claim: BookingClaim, step: () => Promise<R | undefined>, over: () => boolean = () => false): Promise<R | undefined> {
  for (;;) {
    const done = await step();
    if (done !== undefined || over() || !(await claim.resume()) || over()) return done;
  }
}

/** `lc.sleepUntil` for a wait a booking ends: a booking being applied stops it, and if refused the wait goes on to the same time. False once booked. */
async function sleepUnlessBooked(lc: Lifecycle, claim: BookingClaim, stage: Stage, waiting: Waiting): Promise<boolean> {
  while (!(await lc.sleepUntil(stage, waiting, claim.taken))) {
    if (!(await claim.resume())) return false;
  }
  return true;
}

/** Returns the booking, or undefined when the cycle ends without one (declined, never reached). */
export async function bookService(lc: Lifecycle, firstDue: DueDate): Promise<Booking | undefined> {
  let booking: Booking | undefined;
  const claim = bookingClaim();
  let closed = false;
  const { vehicle } = lc.input;

  // R5: an inbound booking is accepted until the cycle closes; it makes pending calls moot.
  const inbound = awaitedLater(
    unlessBooked(
      claim,
      () =>
        lc.steps.perform(
          bookInbound,
          { what: 'inbound booking (phone, web/app, counter)', rule: 'R5', by: iso(closesAt(lc, firstDue)) },
          (i) =>
            claim.hold(async () => {
              const preparation = preparationWith(lc, i.bookedFor);
              const result = await lc.acts.bookInbound(lc.ctx(), { input: i, storeId: vehicle.storeId, preparation });
              return { ...result, prepared: prepared(preparation, result) };
            }),
          () => claim.taken() || closed,
        ),
      () => closed,
    ).then((r) => {
      if (r) booking ??= { bookingId: r.result.bookingId, bookedFor: Date.parse(r.input.bookedFor), prepared: r.result.prepared };
    }),
  );

  // R12: a customer who drives in unannounced is received at once.
  const walkedIn = awaitedLater(
    unlessBooked(
      claim,
      () =>
        lc.steps.perform(
          walkIn,
          undefined,
          (i) => claim.hold(() => lc.acts.receiveWalkIn(lc.ctx(), i, vehicle.storeId, lc.policy.servicePlanId)),
          () => claim.taken() || closed,
        ),
      () => closed,
    ).then((r) => {
      if (r) booking ??= { bookingId: r.result.bookingId, bookedFor: Date.now(), walkIn: { repairOrderId: r.result.repairOrderId, input: r.input } };
    }),
  );

  const unresolved = await reminderCalls(lc, firstDue, claim, (b) => (booking = b));
  // Calling stopped while another path's booking was being applied: whether it went through decides.
  if (unresolved && claim.pending()) await claim.resume();
  if (unresolved && !claim.taken()) {
    // Declined or never reached: no more calls (R4), but the customer can still book (R5).
    lc.state.unresolvedReason = unresolved;
    await sleepUnlessBooked(lc, claim, 'OPEN_FOR_BOOKING', { what: `inbound booking after: ${unresolved}`, rule: 'R5', by: iso(closesAt(lc, { dueDate: lc.state.dueDate! })) });
  }
  closed = true;
  await Promise.all([inbound, walkedIn]);
  return booking;
}

function closesAt(lc: Lifecycle, due: { dueDate: string }): number {
  const s = lc.settings;
  return localTime(addDays(due.dueDate, s.openForBookingDaysAfterDue), s.contactEndTime, s.utcOffsetMinutes);
}

/** R2, R3, R4: returns why calling stopped without a booking, or undefined once booked. */
async function reminderCalls(
  lc: Lifecycle,
  firstDue: DueDate,
  claim: BookingClaim,
  book: (b: Booking) => void,
): Promise<string | undefined> {
  const { vehicle, customer } = lc.input;
  const s = lc.settings;
  let due = firstDue;

  if (!(await sleepUnlessBooked(lc, claim, 'WAITING_FOR_REMINDER', { what: 'maintenance reminder (SMS/e-mail)', rule: 'R2', by: iso(reminderAt(due.dueDate, s, lc.input.firstContactOn)) }))) return undefined;
  await lc.acts.queueCustomerMessage(lc.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer, payload: { plate: vehicle.plate, dueDate: due.dueDate } });

  let window: ContactWindow = reminderCallWindow(due.dueDate, s, lc.input.firstContactOn);
  if (!(await sleepUnlessBooked(lc, claim, 'WAITING_FOR_REMINDER_CALL', { what: 'reminder call task', rule: 'R3', by: iso(window.at) }))) return undefined;
  let undecided = 0;
  let unreachable = 0;
  for (let attempt = 1; ; attempt++) {
    await lc.acts.openTask(lc.ctx(), { kind: 'REMINDER_CALL', rule: attempt === 1 ? 'R3' : undecided ? 'R4' : 'R3', dueAt: iso(window.by), assigneeRole: 'CUSTOMER_RELATIONS', ...(attempt > 1 ? { attempt } : {}) });
    lc.enter('AWAITING_CALL_OUTCOME');
    const what = attempt === 1 ? 'reminder call outcome' : `reminder call outcome (call ${attempt})`;
    const record = async (i: CallOutcomeInput) => {
      if (i.outcome === 'BOOKED') {
        const preparation = preparationWith(lc, i.bookedFor!);
        const result = await lc.acts.recordCallOutcome(lc.ctx(), { input: i, storeId: vehicle.storeId, attempt, preparation });
        return { ...result, prepared: prepared(preparation, result) };
      }
      const result = await lc.acts.recordCallOutcome(lc.ctx(), { input: i, storeId: vehicle.storeId, ...(attempt > 1 ? { attempt } : {}) });
      return { ...result, prepared: undefined };
    };
    const call = await unlessBooked(claim, () =>
      lc.steps.perform(recordCallOutcome, { what, rule: 'R3', by: iso(window.by) }, (i) => (i.outcome === 'BOOKED' ? claim.hold(() => record(i)) : record(i)), claim.taken),
    );
    if (!call) return undefined;
    const { input, result } = call;
    if (input.outcome === 'BOOKED') {
      book({ bookingId: result.bookingId!, bookedFor: Date.parse(input.bookedFor!), prepared: result.prepared! });
      return undefined;
    }
    if (input.mileageKm !== undefined) {
      due = await recomputeDueDate(lc, input.mileageKm, localDate(Date.now(), s.utcOffsetMinutes), attempt + 1);
    }
    if (input.outcome === 'DECLINED') return 'customer declined (R4: no second call)';
    if (input.outcome === 'UNDECIDED') {
      if (undecided++ > 0) return 'customer still undecided after the second call';
      window = secondCallWindow(due.dueDate, Date.now(), s);
      if (!(await sleepUnlessBooked(lc, claim, 'WAITING_FOR_SECOND_CALL', { what: 'second call before parts ordering', rule: 'R4', by: iso(window.at) }))) return undefined;
      continue;
    }
    if (++unreachable >= s.unreachableMaxAttempts) return `customer unreachable after ${unreachable} calls`;
    window = retryCallWindow(Date.now(), s);
    if (!(await sleepUnlessBooked(lc, claim, 'WAITING_FOR_CALL_RETRY', { what: `call again (unreachable ${unreachable}×)`, rule: 'R3', by: iso(window.at) }))) return undefined;
  }
}

import { reminderAt, reminderCallWindow } from '../../domain/contactSchedule';
import type { DueDate } from '../../domain/dueDate';
import { recordCallOutcome } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';

export interface Booking {
  bookingId: string;
  bookedFor: number;
}

/** R2 reminder, R3 call, R5 tentative booking. */
export async function bookService(lc: Lifecycle, due: DueDate): Promise<Booking> {
  const { vehicle, customer } = lc.input;
  const s = lc.settings;

  await lc.sleepUntil('WAITING_FOR_REMINDER', { what: 'maintenance reminder (SMS/e-mail)', rule: 'R2', by: iso(reminderAt(due.dueDate, s)) });
  await lc.acts.queueCustomerMessage(lc.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer, payload: { plate: vehicle.plate, dueDate: due.dueDate } });

  const call = reminderCallWindow(due.dueDate, s);
  await lc.sleepUntil('WAITING_FOR_REMINDER_CALL', { what: 'reminder call task', rule: 'R3', by: iso(call.at) });
  await lc.acts.openTask(lc.ctx(), { kind: 'REMINDER_CALL', rule: 'R3', dueAt: iso(call.by), assigneeRole: 'CUSTOMER_RELATIONS' });
  lc.enter('AWAITING_CALL_OUTCOME');
  const booked = (await lc.steps.perform(recordCallOutcome, { what: 'reminder call outcome', rule: 'R3', by: iso(call.by) }, (i) =>
    lc.acts.recordCallOutcome(lc.ctx(), i, vehicle.storeId),
  ))!;
  lc.state.bookedFor = booked.input.bookedFor;
  return { bookingId: booked.result.bookingId, bookedFor: Date.parse(booked.input.bookedFor) };
}

import { checkIn } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Booking } from './booking';

export interface Job {
  repairOrderId: string;
  checkedInAt: number;
  mileageKm: number;
  promisedReadyAt: number;
}

/** R12: the vehicle arrives; the SA records odometer and the promised delivery time. */
export async function receiveVehicle(lc: Lifecycle, booking: Booking, repairOrderId: string): Promise<Job> {
  const reception = (await lc.steps.perform(checkIn, { what: 'vehicle check-in at reception', rule: 'R12', by: iso(booking.bookedFor) }, (i) =>
    lc.acts.checkIn(lc.ctx(), i, booking.bookingId, repairOrderId),
  ))!;
  const job = { repairOrderId, checkedInAt: Date.now(), mileageKm: reception.input.mileageKm, promisedReadyAt: Date.parse(reception.input.promisedReadyAt) };
  lc.state.checkedInAt = iso(job.checkedInAt);
  lc.state.promisedReadyAt = reception.input.promisedReadyAt;
  lc.enter('IN_SERVICE');
  return job;
}

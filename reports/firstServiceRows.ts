// The database side of R22's first-service rate: the store's cars delivered up to month N-3, which of their
// cycles were first services (the cycle's due date came from R1b), their bookings, and the consultants' names.
import type { Db } from '../activities/database';
import { addMonths } from '../domain/calendar';
import { CalendarMonth, firstOfMonth } from './calendar';
import type { FirstServiceRows } from './firstServiceRate';

export async function loadFirstServiceRows(db: Db, storeId: string, month: CalendarMonth): Promise<FirstServiceRows> {
  // Cars delivered after month N-3 are in no base of month N.
  const deliveredBefore = new Date(addMonths(firstOfMonth(month), -2));
  const vehicles = await db.vehicle.findMany({ where: { storeId, deliveryDate: { lt: deliveredBefore } }, select: { vin: true, salesConsultantId: true, deliveryDate: true } });
  const vins = vehicles.map((v) => v.vin);
  const [cycles, bookings] = await Promise.all([
    db.auditEvent.findMany({ where: { vin: { in: vins }, action: 'cycle.scheduled', rule: 'R1b' }, select: { vin: true, cycle: true } }),
    db.booking.findMany({ where: { vin: { in: vins }, storeId }, select: { vin: true, cycle: true, channel: true, status: true, bookedFor: true } }),
  ]);
  return {
    vehicles: vehicles.map((v) => ({ vin: v.vin, consultantId: v.salesConsultantId, deliveryDate: v.deliveryDate.toISOString().slice(0, 10) })),
    firstServiceCycles: cycles,
    bookings,
  };
}

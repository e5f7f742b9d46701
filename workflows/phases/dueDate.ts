import { averageDailyKm, DueDate, nextDueDate } from '../../domain/dueDate';
import { Lifecycle } from '../lifecycle';

/** R1 / R1b: when this cycle's maintenance is due, from the store's policy and the vehicle's history. */
export async function scheduleCycle(lc: Lifecycle): Promise<DueDate> {
  const { vehicle, history } = lc.input;
  if (history.cycle === 1) await lc.acts.registerVehicle(lc.ctx(), lc.input);
  lc.usePolicy(await lc.acts.loadCyclePolicy(vehicle.storeId, vehicle.model));
  return decideDueDate(lc, vehicle.mileageKm, vehicle.mileageRecordedOn, 1);
}

/** R1 again when a call or visit reports the odometer: a car driven more than expected is due sooner. */
export async function recomputeDueDate(lc: Lifecycle, mileageKm: number, recordedOn: string, revision: number): Promise<DueDate> {
  lc.odometer = { mileageKm, mileageRecordedOn: recordedOn };
  return decideDueDate(lc, mileageKm, recordedOn, revision);
}

async function decideDueDate(lc: Lifecycle, mileageKm: number, recordedOn: string, revision: number): Promise<DueDate> {
  const { vehicle, history } = lc.input;
  const s = lc.settings;
  const avgDailyKm = averageDailyKm(vehicle.deliveryDate, mileageKm, recordedOn, s.newCarDailyKm);
  // After a cycle without service the next one counts from the skipped due date (a declined customer
  // is reminded one interval later, not at once).
  const countFrom = history.skippedDueDate ? { lastServiceDate: history.skippedDueDate, lastServiceKm: Math.max(history.lastServiceKm ?? 0, mileageKm) } : history;
  const due = nextDueDate({
    deliveryDate: vehicle.deliveryDate,
    lastServiceDate: countFrom.lastServiceDate,
    lastServiceKm: countFrom.lastServiceKm,
    mileageKm,
    mileageRecordedOn: recordedOn,
    avgDailyKm,
    intervalMonths: lc.policy.intervalMonths,
    intervalKm: lc.policy.intervalKm,
    firstServiceWithinMonths: s.firstServiceWithinMonths,
  });
  const changed = due.dueDate !== lc.state.dueDate;
  lc.state.dueDate = due.dueDate;
  lc.state.dueReason = due.reason;
  if (revision === 1 || changed) await lc.acts.scheduleCycle(lc.ctx(), { ...due, avgDailyKm, policy: lc.policy, ...(revision > 1 ? { revision } : {}) });
  return due;
}

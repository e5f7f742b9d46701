import { cycleDueDate, DueDate } from '../../../domain/dueDate';
import { Lifecycle } from '../lifecycle';

/** R1 / R1b: when this cycle's maintenance is due, from the store's policy and the vehicle's history. */
export async function scheduleCycle(lc: Lifecycle): Promise<DueDate> {
  const { vehicle, history } = lc.input;
  // One local activity instead of three: every one is an activation again whenever the lifecycle is replayed.
  const { policy, due } = await lc.acts.openCycle(lc.ctx(), lc.input, history.cycle === 1);
  lc.state.dueDate = due.dueDate;
  lc.state.dueReason = due.reason;
  // Store settings that changed while the cycle opened decide, as they would have a moment later.
  if (lc.usePolicy(policy)) return decideDueDate(lc, vehicle.mileageKm, vehicle.mileageRecordedOn, 2);
  return { dueDate: due.dueDate, reason: due.reason };
}

/** R1 again when a call or visit reports the odometer: a car driven more than expected is due sooner. */
export async function recomputeDueDate(lc: Lifecycle, mileageKm: number, recordedOn: string, revision: number): Promise<DueDate> {
  lc.odometer = { mileageKm, mileageRecordedOn: recordedOn };
  return decideDueDate(lc, mileageKm, recordedOn, revision);
}

async function decideDueDate(lc: Lifecycle, mileageKm: number, recordedOn: string, revision: number): Promise<DueDate> {
  const { vehicle, history } = lc.input;
  const s = lc.settings;
  const { avgDailyKm, ...due } = cycleDueDate({
    ...history,
    deliveryDate: vehicle.deliveryDate,
    mileageKm,
    mileageRecordedOn: recordedOn,
    intervalMonths: lc.policy.intervalMonths,
    intervalKm: lc.policy.intervalKm,
    newCarDailyKm: s.newCarDailyKm,
    firstServiceWithinMonths: s.firstServiceWithinMonths,
  });
  const changed = due.dueDate !== lc.state.dueDate;
  lc.state.dueDate = due.dueDate;
  lc.state.dueReason = due.reason;
  // `openCycle` recorded revision 1; a later revision is recorded only when it moves the date.
  if (changed) await lc.acts.scheduleCycle(lc.ctx(), { ...due, avgDailyKm, policy: lc.policy, revision });
  return due;
}

import { averageDailyKm, DueDate, nextDueDate } from '../../domain/dueDate';
import { Lifecycle } from '../lifecycle';

/** R1 / R1b: when this cycle's maintenance is due, from the store's policy and the vehicle's history. */
export async function scheduleCycle(lc: Lifecycle): Promise<DueDate> {
  const { vehicle, history } = lc.input;
  if (history.cycle === 1) await lc.acts.registerVehicle(lc.ctx(), lc.input);
  lc.policy = await lc.acts.loadCyclePolicy(vehicle.storeId, vehicle.model);
  const s = lc.settings;
  const avgDailyKm = averageDailyKm(vehicle.deliveryDate, vehicle.mileageKm, vehicle.mileageRecordedOn, s.newCarDailyKm);
  const due = nextDueDate({
    ...vehicle,
    ...history,
    avgDailyKm,
    intervalMonths: lc.policy.intervalMonths,
    intervalKm: lc.policy.intervalKm,
    firstServiceWithinMonths: s.firstServiceWithinMonths,
  });
  lc.state.dueDate = due.dueDate;
  lc.state.dueReason = due.reason;
  await lc.acts.scheduleCycle(lc.ctx(), { ...due, avgDailyKm, policy: lc.policy });
  return due;
}

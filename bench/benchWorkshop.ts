// BENCH_WORKSHOP=1: the benchmark's store plans its workshop, as a store using the workshop plan does, so
// each booking step also claims bay time under the slot rules (R8) inside its transaction, after the API's
// check of the requested time. Each request then needs a time of its own that the rules allow.
import type { Db } from '../activities/database';
import { addDays, localDate, localTime } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { DEMO_STORE_ID } from '../runtime/demoStore';
import { seedWorkshop } from '../runtime/workshopSeed';

/** 26 more general-repair bays (the demo store has one) take four one-hour arrivals a quarter hour within the 80 % bookable share. */
const BAYS = 26;
const ARRIVALS_PER_SLOT = 4;
/** After the morning rush (08:30–09:00) and before the last hour (from 16:30 no car arrives). */
const FIRST_ARRIVAL = '09:00';
const LAST_ARRIVAL_MINUTES = 16 * 60 + 15;

export async function giveDemoStoreAWorkshop(db: Db): Promise<void> {
  const store = await db.store.findUniqueOrThrow({ where: { id: DEMO_STORE_ID }, select: { settings: true } });
  await db.store.update({ where: { id: DEMO_STORE_ID }, data: { settings: { ...((store.settings as object | null) ?? {}), maxArrivalsPerSlot: ARRIVALS_PER_SLOT } } });
  await seedWorkshop(db, { storeId: DEMO_STORE_ID, bays: { GENERAL_REPAIR: BAYS }, technicians: { GENERAL_REPAIR: BAYS } });
}

/** `count` booking times from the day after tomorrow on, each quarter hour taken by at most ARRIVALS_PER_SLOT. */
export function workshopBookingTimes(count: number): string[] {
  const offset = DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
  const times: string[] = [];
  for (let day = addDays(localDate(Date.now(), offset), 2); times.length < count; day = addDays(day, 1)) {
    for (let at = localTime(day, FIRST_ARRIVAL, offset); times.length < count && at <= localTime(day, '00:00', offset) + LAST_ARRIVAL_MINUTES * 60_000; at += 15 * 60_000) {
      for (let k = 0; k < ARRIVALS_PER_SLOT && times.length < count; k++) times.push(new Date(at).toISOString());
    }
  }
  return times;
}

// A store's workshop (bays, technicians, opening hours, job types) written in one go: for the demo
// store, the tests and the benchmark. A dealership enters its own through the database.
import type { Db } from '../activities/database';
import { BayKind } from '../domain/capacity';

export interface WorkshopSpec {
  storeId: string;
  bays: Partial<Record<BayKind, number>>;
  /** Technicians per bay kind; each works Monday to Saturday on the given shift. */
  technicians: Partial<Record<BayKind, number>>;
  opensAt?: string;
  closesAt?: string;
  shift?: { start: string; end: string };
  /** 0 = Sunday … 6 = Saturday; default every day. */
  openDays?: number[];
  holidays?: string[];
}

export const STANDARD_JOB_TYPES = [
  { code: 'QUICK_SERVICE', name: '快修 Quick service', standardHours: 0.5, bayKind: 'QUICK_SERVICE' },
  { code: 'PERIODIC_MAINTENANCE', name: '定期保养 Periodic maintenance', standardHours: 1, bayKind: 'GENERAL_REPAIR' },
  { code: 'GENERAL_REPAIR', name: '机修 General repair', standardHours: 3, bayKind: 'GENERAL_REPAIR' },
  { code: 'BODY_PAINT', name: '钣喷 Body and paint', standardHours: 6, bayKind: 'BODY_PAINT' },
] as const;

const KIND_PREFIX: Record<BayKind, string> = { QUICK_SERVICE: 'quick', GENERAL_REPAIR: 'general', BODY_PAINT: 'paint' };

export async function seedWorkshop(db: Db, spec: WorkshopSpec): Promise<void> {
  const days = spec.openDays ?? [0, 1, 2, 3, 4, 5, 6];
  const shift = spec.shift ?? { start: spec.opensAt ?? '08:30', end: spec.closesAt ?? '17:30' };
  const bays = Object.entries(spec.bays).flatMap(([kind, n]) =>
    Array.from({ length: n ?? 0 }, (_, i) => ({ id: `${spec.storeId}-${KIND_PREFIX[kind as BayKind]}-${i + 1}`, storeId: spec.storeId, name: `${KIND_PREFIX[kind as BayKind]} ${i + 1}`, kind })),
  );
  const technicians = Object.entries(spec.technicians).flatMap(([kind, n]) =>
    Array.from({ length: n ?? 0 }, (_, i) => ({ id: `${spec.storeId}-tech-${KIND_PREFIX[kind as BayKind]}-${i + 1}`, kind })),
  );
  await db.$transaction([
    db.storeOpeningHours.createMany({ data: days.map((weekday) => ({ storeId: spec.storeId, weekday, opensAt: spec.opensAt ?? '08:30', closesAt: spec.closesAt ?? '17:30' })) }),
    db.storeHoliday.createMany({ data: (spec.holidays ?? []).map((date) => ({ storeId: spec.storeId, date: new Date(date), name: 'holiday' })) }),
    db.bay.createMany({ data: bays }),
    db.staff.createMany({ data: technicians.map((t) => ({ id: t.id, storeId: spec.storeId, name: t.id, role: 'TECHNICIAN' as const })) }),
    db.technician.createMany({
      data: technicians.map((t) => ({ staffId: t.id, storeId: spec.storeId, skills: [t.kind], shifts: days.map((weekday) => ({ weekday, ...shift })) })),
    }),
    db.jobType.createMany({ data: STANDARD_JOB_TYPES.map((j) => ({ ...j, storeId: spec.storeId })) }),
  ]);
}

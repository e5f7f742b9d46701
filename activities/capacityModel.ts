// Reads a store's capacity model and the bay time already taken, in the shapes the pure rules take.
import { CapacityModel, Occupation, Priority, Shift } from '../domain/capacity';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { Tx } from './auditedStep';
import { Db } from './database';
import { versionedCache } from './readThroughCache';

type Reader = Db | Tx;

export interface StoreCapacity {
  model: CapacityModel;
  settings: StoreSettings;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function shiftList(value: unknown): Shift[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (s): s is Shift => !!s && typeof s === 'object' && Number.isInteger(s.weekday) && typeof s.start === 'string' && typeof s.end === 'string',
  );
}

/** The store's capacity model, or null for an unknown store. */
export async function loadStoreCapacity(db: Reader, storeId: string): Promise<StoreCapacity | null> {
  const store = await db.store.findUnique({
    where: { id: storeId },
    include: { openingHours: true, holidays: true, bays: { where: { removedAt: null }, orderBy: { id: 'asc' } }, technicians: true, jobTypes: true },
  });
  if (!store) return null;
  const settings = resolveStoreSettings(store.settings);
  return {
    settings,
    model: {
      utcOffsetMinutes: settings.utcOffsetMinutes,
      openingHours: store.openingHours.map(({ weekday, opensAt, closesAt }) => ({ weekday, opensAt, closesAt })),
      holidays: store.holidays.map((h) => h.date.toISOString().slice(0, 10)),
      bays: store.bays.map(({ id, kind }) => ({ id, kind })),
      technicians: store.technicians.map((t) => ({ id: t.staffId, skills: stringList(t.skills), shifts: shiftList(t.shifts) })),
      jobTypes: store.jobTypes.map(({ code, name, standardHours, bayKind }) => ({ code, name, standardHours, bayKind })),
    },
  };
}

/** A reservation that holds its bay: booked, or a tentative hold not yet expired. */
export function inForce(now: Date) {
  return { OR: [{ status: 'BOOKED' as const }, { status: 'HELD' as const, expiresAt: { gt: now } }] };
}

/** Bay time taken in [from, to), for the slot rules; `except` leaves out reservations (a booking's own, when it moves). */
export async function loadOccupations(db: Reader, storeId: string, from: Date, to: Date, now: Date, except: string[] = []): Promise<Occupation[]> {
  const rows = await db.bayReservation.findMany({
    where: { storeId, startsAt: { lt: to }, endsAt: { gt: from }, ...inForce(now), ...(except.length ? { id: { notIn: except } } : {}) },
    select: { bayId: true, startsAt: true, endsAt: true, priority: true },
  });
  return rows.map((r) => ({ bayId: r.bayId, start: r.startsAt.getTime(), end: r.endsAt.getTime(), priority: r.priority as Priority | null }));
}

/** A store's capacity model, read through `reader` (inside a transaction, its own) when not known yet. */
export type CapacityOf = (reader: Reader, storeId: string) => Promise<StoreCapacity | null>;

/**
 * A store's model read once per change of its set-up: every slot search and claim needs it (six queries),
 * and it changes a few times a year. Each use asks the store's `setupVersion` (one query), which the
 * database stamps with every change of settings, hours, closed days, bays, technicians or job types, so a
 * change made through one API process is used by every other at once.
 */
export function capacityCache(): CapacityOf {
  const cached = versionedCache<StoreCapacity | null>();
  return async (reader, storeId) => {
    const store = await reader.store.findUnique({ where: { id: storeId }, select: { setupVersion: true } });
    if (!store) return null;
    return cached(storeId, store.setupVersion, () => loadStoreCapacity(reader, storeId));
  };
}

// R8 slot search: the best free bay times for a job in a date range, and why every other grid time
// was not offered. Pure and synchronous so that the API, the booking activity and the benchmark share it.
import { addDays, CalendarDate, daysBetween, localDate, localTime } from './calendar';
import {
  bookedMinutes,
  CapacityModel,
  capacityVerdict,
  dayCapacity,
  dayFrame,
  Interval,
  isClosed,
  jobMinutes,
  JobTypeModel,
  Occupation,
  openingWindow,
  Priority,
  shiftOn,
} from './capacity';

export interface SlotSettings {
  slotGridMinutes: number;
  bookableCapacityFraction: number;
  morningRushMinutes: number;
  eveningNoArrivalMinutes: number;
  maxArrivalsPerSlot: number;
}

export type PartOfDay = 'MORNING' | 'AFTERNOON';

export interface SlotPreference {
  date?: CalendarDate;
  /** Local 'HH:MM' the customer would like to arrive. */
  time?: string;
  partOfDay?: PartOfDay;
}

export interface SlotRequest {
  jobTypeCode: string;
  from: CalendarDate;
  to: CalendarDate;
  preference?: SlotPreference;
  priority?: Priority | null;
  /** R6/R8: when the job's parts will be in; earlier slots are not offered. */
  partsReadyAt?: number | null;
  /** Only this bay (checking one requested slot); otherwise every bay of the job's kind. */
  bayId?: string;
  /** Slots starting before this instant are past (usually now). */
  notBefore: number;
  limit?: number;
}

export interface Slot {
  start: string;
  end: string;
  bayId: string;
  /** R8: only a priority job may take it, from the reserved 20%. */
  usesReserve: boolean;
}

export type NotOfferedReason =
  | 'HOLIDAY'
  | 'CLOSED'
  | 'PAST'
  | 'PARTS_LATE'
  | 'MORNING_RUSH'
  | 'EVENING'
  | 'ARRIVALS_SPREAD'
  | 'BAY_BUSY'
  | 'NO_TECHNICIAN'
  | 'CAPACITY_RESERVED'
  | 'CAPACITY_FULL'
  | 'JOB_LONGER_THAN_DAY'
  | 'RANKED_LOWER';

/** A grid time not offered; a whole day (no `start`) when the reason holds for all of it. */
export interface NotOffered {
  date: CalendarDate;
  start?: string;
  reason: NotOfferedReason;
}

export interface SlotSearchResult {
  jobType: string;
  durationMinutes: number;
  offered: Slot[];
  notOffered: NotOffered[];
}

export class SlotSearchError extends Error {}

interface FreeTime {
  date: CalendarDate;
  startMs: number;
  score: number;
  slot: Slot;
}

export const MAX_SEARCH_DAYS = 62;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Occupations of one bay sorted by start, so that an overlap test is a binary search. */
class BayTimeline {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(occupations: Occupation[]) {
    const sorted = [...occupations].sort((a, b) => a.start - b.start);
    for (const o of sorted) {
      this.starts.push(o.start);
      this.ends.push(o.end);
    }
  }

  isFree(start: number, end: number): boolean {
    // The last occupation starting before `end` is the only one that can overlap, as they never overlap each other.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < end) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 || this.ends[lo - 1] <= start;
  }
}

function targetInstant(model: CapacityModel, request: SlotRequest): number {
  const pref = request.preference ?? {};
  const time = pref.time ?? (pref.partOfDay === 'AFTERNOON' ? '14:00' : '09:00');
  return localTime(pref.date ?? request.from, time, model.utcOffsetMinutes);
}

function partOfDayOf(start: number, utcOffsetMinutes: number): PartOfDay {
  const minuteOfDay = (((start / MINUTE_MS + utcOffsetMinutes) % 1440) + 1440) % 1440;
  return minuteOfDay < 12 * 60 ? 'MORNING' : 'AFTERNOON';
}

export function findJobType(model: CapacityModel, code: string): JobTypeModel {
  const job = model.jobTypes.find((j) => j.code === code);
  if (!job) throw new SlotSearchError(`unknown job type ${code}`);
  return job;
}

/**
 * R8: grid times inside opening hours that keep clear of the morning rush and the evening, spread
 * arrivals, leave a bay free for the whole job with a skilled technician on shift, and keep the day's
 * bookings within 80% of the workshop (priority jobs may use the rest). Ranked by closeness to the
 * customer's preferred time; part-of-day mismatches rank after every match.
 */
export function searchSlots(model: CapacityModel, occupations: Occupation[], request: SlotRequest, settings: SlotSettings): SlotSearchResult {
  const job = findJobType(model, request.jobTypeCode);
  const span = daysBetween(request.from, request.to);
  if (span < 0) throw new SlotSearchError('the date range ends before it starts');
  if (span >= MAX_SEARCH_DAYS) throw new SlotSearchError(`search at most ${MAX_SEARCH_DAYS} days at a time`);
  const grid = settings.slotGridMinutes * MINUTE_MS;
  const duration = jobMinutes(job, settings.slotGridMinutes) * MINUTE_MS;
  const kindBays = new Set(model.bays.filter((b) => b.kind === job.bayKind).map((b) => b.id));
  const bays = model.bays.filter((b) => kindBays.has(b.id) && (request.bayId === undefined || b.id === request.bayId));
  const skilled = model.technicians.filter((t) => t.skills.includes(job.bayKind));

  const byBay = new Map<string, Occupation[]>();
  for (const o of occupations) {
    const list = byBay.get(o.bayId);
    if (list) list.push(o);
    else byBay.set(o.bayId, [o]);
  }
  const timelines = new Map(bays.map((b) => [b.id, new BayTimeline(byBay.get(b.id) ?? [])]));
  const arrivals = new Map<number, number>();
  for (const o of occupations) arrivals.set(o.start, (arrivals.get(o.start) ?? 0) + 1);
  // Occupations by the UTC day they start on; a day's window looks at that day and the one before.
  const byStartDay = new Map<number, Occupation[]>();
  for (const o of occupations) {
    const key = Math.floor(o.start / DAY_MS);
    const list = byStartDay.get(key);
    if (list) list.push(o);
    else byStartDay.set(key, [o]);
  }
  const longest = occupations.reduce((max, o) => Math.max(max, o.end - o.start), 0);
  const overlapping = (window: Interval): Occupation[] => {
    const found: Occupation[] = [];
    for (let key = Math.floor((window.start - longest) / DAY_MS); key <= Math.floor(window.end / DAY_MS); key++) {
      for (const o of byStartDay.get(key) ?? []) if (o.end > window.start && o.start < window.end) found.push(o);
    }
    return found;
  };

  const target = targetInstant(model, request);
  const wantedPart = request.preference?.partOfDay;
  const free: FreeTime[] = [];
  // Every grid time in order, free or not, so that the ones ranked lower keep their place in the answer.
  const timeline: (NotOffered | FreeTime)[] = [];
  const notOffered = { push: (n: NotOffered) => timeline.push(n) };

  for (let d = 0; d <= span; d++) {
    const date = addDays(request.from, d);
    const window = openingWindow(model, date);
    if (isClosed(window)) {
      notOffered.push({ date, reason: window.closed });
      continue;
    }
    if (window.end - window.start < duration) {
      notOffered.push({ date, reason: 'JOB_LONGER_THAN_DAY' });
      continue;
    }
    const dayOccupations = overlapping(window);
    const capacity = dayCapacity(model, date, settings.bookableCapacityFraction).byKind[job.bayKind];
    const booked = bookedMinutes(model, dayOccupations, window).byKind[job.bayKind] ?? 0;
    const verdict = capacity ? capacityVerdict(capacity, booked, duration / MINUTE_MS, request.priority) : 'FULL';
    if (verdict === 'RESERVED' || verdict === 'FULL') {
      notOffered.push({ date, reason: verdict === 'RESERVED' ? 'CAPACITY_RESERVED' : 'CAPACITY_FULL' });
      continue;
    }
    const kindOccupations = dayOccupations.filter((o) => kindBays.has(o.bayId));
    const frame = dayFrame(date, model.utcOffsetMinutes);
    const shifts = skilled.map((t) => shiftOn(t, frame, window)).filter((s): s is Interval => s !== null);
    const dayLoad = new Map<string, number>();
    for (const o of kindOccupations) dayLoad.set(o.bayId, (dayLoad.get(o.bayId) ?? 0) + (o.end - o.start));

    const rushEnds = window.start + settings.morningRushMinutes * MINUTE_MS;
    const eveningStarts = window.end - settings.eveningNoArrivalMinutes * MINUTE_MS;
    for (let start = window.start; start + duration <= window.end; start += grid) {
      const end = start + duration;
      const at = new Date(start).toISOString();
      const reason = gridTimeReason(start);
      if (reason) {
        notOffered.push({ date, start: at, reason });
        continue;
      }
      let bay: { id: string; load: number } | null = null;
      for (const b of bays) {
        const load = dayLoad.get(b.id) ?? 0;
        if ((bay === null || load < bay.load) && timelines.get(b.id)!.isFree(start, end)) bay = { id: b.id, load };
      }
      if (!bay) {
        notOffered.push({ date, start: at, reason: 'BAY_BUSY' });
        continue;
      }
      let onShift = 0;
      for (const s of shifts) if (s.start <= start && s.end >= end) onShift++;
      let working = 0;
      for (const o of kindOccupations) if (o.start < end && o.end > start) working++;
      if (onShift <= working) {
        notOffered.push({ date, start: at, reason: 'NO_TECHNICIAN' });
        continue;
      }
      const mismatch = wantedPart !== undefined && partOfDayOf(start, model.utcOffsetMinutes) !== wantedPart;
      const entry = {
        date,
        startMs: start,
        score: Math.abs(start - target) + (mismatch ? 1e12 : 0),
        slot: { start: at, end: new Date(end).toISOString(), bayId: bay.id, usesReserve: verdict === 'USES_RESERVE' },
      };
      free.push(entry);
      timeline.push(entry);
    }

    function gridTimeReason(start: number): NotOfferedReason | null {
      if (start < request.notBefore) return 'PAST';
      if (request.partsReadyAt != null && start < request.partsReadyAt) return 'PARTS_LATE';
      if (start < rushEnds) return 'MORNING_RUSH';
      if (start >= eveningStarts) return 'EVENING';
      if ((arrivals.get(start) ?? 0) >= settings.maxArrivalsPerSlot) return 'ARRIVALS_SPREAD';
      return null;
    }
  }

  free.sort((a, b) => a.score - b.score || a.startMs - b.startMs);
  const offered = new Set(free.slice(0, request.limit ?? 5));
  return {
    jobType: job.code,
    durationMinutes: duration / MINUTE_MS,
    offered: [...offered].map((f) => f.slot),
    notOffered: timeline.flatMap((e): NotOffered[] => {
      if (!('slot' in e)) return [e];
      return offered.has(e) ? [] : [{ date: e.date, start: e.slot.start, reason: 'RANKED_LOWER' }];
    }),
  };
}

export type SlotAssessment = { ok: true; slot: Slot } | { ok: false; reason: NotOfferedReason | 'OFF_GRID' | 'WRONG_BAY_KIND' };

/** Whether one requested start (on one bay, when given) may be booked for the job under the same rules. */
export function assessSlot(
  model: CapacityModel,
  occupations: Occupation[],
  request: Omit<SlotRequest, 'from' | 'to' | 'preference' | 'limit'> & { start: number },
  settings: SlotSettings,
): SlotAssessment {
  const job = findJobType(model, request.jobTypeCode);
  if (request.bayId !== undefined && model.bays.find((b) => b.id === request.bayId)?.kind !== job.bayKind) return { ok: false, reason: 'WRONG_BAY_KIND' };
  const date = localDate(request.start, model.utcOffsetMinutes);
  const window = openingWindow(model, date);
  if (!isClosed(window) && (request.start - window.start) % (settings.slotGridMinutes * MINUTE_MS) !== 0) return { ok: false, reason: 'OFF_GRID' };
  const at = new Date(request.start).toISOString();
  const result = searchSlots(model, occupations, { ...request, from: date, to: date, limit: Number.MAX_SAFE_INTEGER }, settings);
  const slot = result.offered.find((s) => s.start === at);
  if (slot) return { ok: true, slot };
  const refusal = result.notOffered.find((n) => n.start === at) ?? result.notOffered.find((n) => n.start === undefined);
  return { ok: false, reason: refusal?.reason ?? 'OFF_GRID' };
}

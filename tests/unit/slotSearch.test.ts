import { localTime } from '../../domain/calendar';
import { Occupation } from '../../domain/capacity';
import { assessSlot, searchSlots, SlotSearchError, SlotSettings } from '../../domain/slotSearch';
import { MONDAY, workshop } from '../support/capacityFixture';

const at = (date: string, hhmm: string) => localTime(date, hhmm, 480);
const iso = (date: string, hhmm: string) => new Date(at(date, hhmm)).toISOString();
const settings: SlotSettings = { slotGridMinutes: 15, bookableCapacityFraction: 0.8, morningRushMinutes: 30, eveningNoArrivalMinutes: 60, maxArrivalsPerSlot: 2 };
const SUNDAY_BEFORE = at('2026-11-22', '12:00');

function search(occupations: Occupation[], request: Partial<Parameters<typeof searchSlots>[2]> = {}, overrides: Partial<SlotSettings> = {}) {
  return searchSlots(workshop, occupations, { jobTypeCode: 'PERIODIC_MAINTENANCE', from: MONDAY, to: MONDAY, notBefore: SUNDAY_BEFORE, ...request }, { ...settings, ...overrides });
}

const reasonAt = (result: ReturnType<typeof search>, date: string, hhmm: string) => result.notOffered.find((n) => n.start === iso(date, hhmm))?.reason;

describe('R8 searchSlots: grid, rush hours and the preference', () => {
  test('R8: slots start on the 15-minute grid, last as long as the job rounded to it, and the closest to the preferred time come first', () => {
    const result = search([], { preference: { time: '10:00' }, limit: 3 });
    expect(result.durationMinutes).toBe(75);
    expect(result.offered.map((s) => s.start)).toEqual([iso(MONDAY, '10:00'), iso(MONDAY, '09:45'), iso(MONDAY, '10:15')]);
    expect(result.offered[0]).toEqual({ start: iso(MONDAY, '10:00'), end: iso(MONDAY, '11:15'), bayId: 'general-1', usesReserve: false });
  });

  test('R8: the grid is a store setting', () => {
    const result = search([], { preference: { time: '10:00' }, limit: 3 }, { slotGridMinutes: 30 });
    expect(result.durationMinutes).toBe(90);
    expect(result.offered.map((s) => s.start)).toEqual([iso(MONDAY, '10:00'), iso(MONDAY, '09:30'), iso(MONDAY, '10:30')]);
  });

  test('R8: no arrivals in the morning rush after opening nor in the last hour before closing', () => {
    const result = search([], { limit: 100 });
    expect(reasonAt(result, MONDAY, '08:30')).toBe('MORNING_RUSH');
    expect(reasonAt(result, MONDAY, '08:45')).toBe('MORNING_RUSH');
    expect(result.offered.map((s) => s.start)).toContain(iso(MONDAY, '09:00'));
    // A 75-minute job could start at 16:15 at the latest, but 16:30 onwards is the evening.
    expect(result.offered.map((s) => s.start)).toContain(iso(MONDAY, '16:15'));
    expect(result.notOffered.find((n) => n.start === iso(MONDAY, '16:30'))).toBeUndefined();
  });

  test('a part-of-day preference ranks every afternoon slot after every morning slot when the customer wants mornings', () => {
    const result = search([], { from: MONDAY, to: '2026-11-24', preference: { date: '2026-11-24', partOfDay: 'MORNING' }, limit: 40 });
    const hours = result.offered.map((s) => new Date(s.start).getUTCHours() + 8);
    const firstAfternoon = hours.findIndex((h) => h >= 12);
    expect(firstAfternoon).toBeGreaterThan(0);
    expect(hours.slice(firstAfternoon).every((h) => h >= 12)).toBe(true);
    expect(result.offered[0].start).toBe(iso('2026-11-24', '09:00'));
  });

  test('the reason of every grid time not offered is given; holidays and closed days once per day', () => {
    const result = search([], { from: '2026-11-22', to: '2026-11-25', notBefore: at(MONDAY, '11:00'), limit: 2 });
    expect(result.notOffered.filter((n) => n.start === undefined)).toEqual([
      { date: '2026-11-22', reason: 'CLOSED' },
      { date: '2026-11-25', reason: 'HOLIDAY' },
    ]);
    expect(reasonAt(result, MONDAY, '10:45')).toBe('PAST');
    expect(result.offered.map((s) => s.start)).toEqual([iso(MONDAY, '11:00'), iso(MONDAY, '11:15')]);
    expect(reasonAt(result, MONDAY, '11:30')).toBe('RANKED_LOWER');
    // Every grid time from opening to the last start of a 75-minute job, on the two open days, is accounted for.
    const gridTimes = ((17 * 60 + 30 - 75 - (8 * 60 + 30)) / 15 + 1) * 2;
    expect(result.offered.length + result.notOffered.filter((n) => n.start).length).toBe(gridTimes);
  });

  test('a bad request is refused with a reason', () => {
    expect(() => search([], { jobTypeCode: 'WASH' })).toThrow(new SlotSearchError('unknown job type WASH'));
    expect(() => search([], { from: '2026-11-24', to: MONDAY })).toThrow(/ends before it starts/);
    expect(() => search([], { to: '2027-03-01' })).toThrow(/at most 62 days/);
  });
});

describe('R8 searchSlots: bays, technicians, capacity and parts', () => {
  test('R8: a slot never overlaps a job already on the bay; the next bay of the kind takes it, then nothing', () => {
    const one = [{ bayId: 'general-1', start: at(MONDAY, '09:30'), end: at(MONDAY, '11:00') }];
    const result = search(one, { preference: { time: '10:00' }, limit: 1 });
    expect(result.offered[0]).toMatchObject({ start: iso(MONDAY, '10:00'), bayId: 'general-2' });

    const both = [...one, { bayId: 'general-2', start: at(MONDAY, '09:00'), end: at(MONDAY, '12:00') }];
    const full = search(both, { limit: 100 });
    expect(reasonAt(full, MONDAY, '10:00')).toBe('BAY_BUSY');
    // 09:15 + 75 min would run into 09:30 on bay 1 while bay 2 is busy; 11:00 is free again on bay 1.
    expect(full.offered.map((s) => s.start)).toContain(iso(MONDAY, '11:00'));
    expect(reasonAt(full, MONDAY, '09:15')).toBe('BAY_BUSY');
  });

  test('R8: arrivals are spread: no more than the set number of cars arrive at one grid time', () => {
    const arriving = [
      { bayId: 'general-1', start: at(MONDAY, '10:00'), end: at(MONDAY, '10:30') },
      { bayId: 'quick-1', start: at(MONDAY, '10:00'), end: at(MONDAY, '10:30') },
    ];
    const result = search(arriving, { limit: 100 });
    expect(reasonAt(result, MONDAY, '10:00')).toBe('ARRIVALS_SPREAD');
    expect(search(arriving, { limit: 100 }, { maxArrivalsPerSlot: 3 }).offered.map((s) => s.start)).toContain(iso(MONDAY, '10:00'));
  });

  test('a free bay without a skilled technician on shift is not offered', () => {
    // tech-b leaves at 13:30; with tech-a busy on bay 1 the afternoon on bay 2 has nobody.
    const busy = [{ bayId: 'general-1', start: at(MONDAY, '13:00'), end: at(MONDAY, '17:00') }];
    const result = search(busy, { limit: 100 });
    expect(reasonAt(result, MONDAY, '14:00')).toBe('NO_TECHNICIAN');
    expect(result.offered.map((s) => s.start)).toContain(iso(MONDAY, '11:00'));
  });

  test('R8: once a day is 80% booked ordinary jobs are refused for the whole day; priority jobs use the reserved 20%', () => {
    // Paint: 540 workshop minutes, 432 bookable. 120 min booked; a 6-hour job would reach 480.
    const booked = [{ bayId: 'paint-1', start: at(MONDAY, '15:30'), end: at(MONDAY, '17:30') }];
    const ordinary = search(booked, { jobTypeCode: 'PAINT' });
    expect(ordinary.offered).toEqual([]);
    expect(ordinary.notOffered).toEqual([{ date: MONDAY, reason: 'CAPACITY_RESERVED' }]);

    for (const priority of ['SAFETY', 'COMEBACK', 'COMPLAINT'] as const) {
      const urgent = search(booked, { jobTypeCode: 'PAINT', priority });
      expect(urgent.offered[0]).toEqual({ start: iso(MONDAY, '09:00'), end: iso(MONDAY, '15:00'), bayId: 'paint-1', usesReserve: true });
    }
  });

  test('R8: a day full beyond the whole workshop refuses even a priority job', () => {
    const booked = [{ bayId: 'paint-1', start: at(MONDAY, '12:30'), end: at(MONDAY, '17:30') }];
    expect(search(booked, { jobTypeCode: 'PAINT', priority: 'SAFETY' }).notOffered).toEqual([{ date: MONDAY, reason: 'CAPACITY_FULL' }]);
  });

  test('R6 R8: slots before the parts arrive are not offered', () => {
    const result = search([], { partsReadyAt: at(MONDAY, '14:00'), limit: 1 });
    expect(reasonAt(result, MONDAY, '13:45')).toBe('PARTS_LATE');
    expect(result.offered[0].start).toBe(iso(MONDAY, '14:00'));
  });
});

describe('assessSlot: one requested slot under the same rules', () => {
  test('a free grid time on a bay of the right kind is bookable', () => {
    expect(assessSlot(workshop, [], { jobTypeCode: 'PERIODIC_MAINTENANCE', bayId: 'general-2', start: at(MONDAY, '10:00'), notBefore: SUNDAY_BEFORE }, settings)).toEqual({
      ok: true,
      slot: { start: iso(MONDAY, '10:00'), end: iso(MONDAY, '11:15'), bayId: 'general-2', usesReserve: false },
    });
  });

  test('off the grid, a bay of another kind, a busy bay and a holiday are each refused with the reason', () => {
    const base = { jobTypeCode: 'PERIODIC_MAINTENANCE', bayId: 'general-1', notBefore: SUNDAY_BEFORE };
    const busy = [{ bayId: 'general-1', start: at(MONDAY, '09:30'), end: at(MONDAY, '11:00') }];
    expect(assessSlot(workshop, [], { ...base, start: at(MONDAY, '10:05') }, settings)).toEqual({ ok: false, reason: 'OFF_GRID' });
    expect(assessSlot(workshop, [], { ...base, bayId: 'quick-1', start: at(MONDAY, '10:00') }, settings)).toEqual({ ok: false, reason: 'WRONG_BAY_KIND' });
    expect(assessSlot(workshop, busy, { ...base, start: at(MONDAY, '10:00') }, settings)).toEqual({ ok: false, reason: 'BAY_BUSY' });
    expect(assessSlot(workshop, [], { ...base, start: at('2026-11-25', '10:00') }, settings)).toEqual({ ok: false, reason: 'HOLIDAY' });
  });
});

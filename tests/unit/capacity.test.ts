import { localTime } from '../../domain/calendar';
import { bookedMinutes, capacityVerdict, dayCapacity, jobMinutes, openingWindow } from '../../domain/capacity';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { MONDAY, workshop } from '../support/capacityFixture';

const at = (date: string, hhmm: string) => localTime(date, hhmm, 480);

describe('openingWindow', () => {
  test('a weekday opens at its local opening hours', () => {
    expect(openingWindow(workshop, MONDAY)).toEqual({ start: at(MONDAY, '08:30'), end: at(MONDAY, '17:30') });
  });

  test('a holiday and a day without opening hours are closed, each with its reason', () => {
    expect(openingWindow(workshop, '2026-11-25')).toEqual({ closed: 'HOLIDAY' });
    expect(openingWindow(workshop, '2026-11-22')).toEqual({ closed: 'CLOSED' });
  });
});

describe('R8 dayCapacity: 80% of the workshop hours are bookable, 20% stay free', () => {
  test('R8: a kind is limited by the scarcer of bay hours and skilled technician hours', () => {
    const day = dayCapacity(workshop, MONDAY, 0.8);
    // Two general bays × 9 h = 1080 min; tech-a 9 h (shift clipped to opening) + tech-b 5 h = 840 min.
    expect(day.byKind.GENERAL_REPAIR).toEqual({ bayMinutes: 1080, technicianMinutes: 840, workshopMinutes: 840, bookableMinutes: 672, reservedMinutes: 168 });
    // One paint bay, one painter all day: 540 min, 432 bookable, 108 kept free.
    expect(day.byKind.BODY_PAINT).toEqual({ bayMinutes: 540, technicianMinutes: 540, workshopMinutes: 540, bookableMinutes: 432, reservedMinutes: 108 });
  });

  test('R8: the day total counts each technician once', () => {
    const day = dayCapacity(workshop, MONDAY, 0.8);
    // 4 bays × 540 = 2160 bay minutes; technicians 540 + 300 + 540 = 1380 minutes.
    expect(day.total).toEqual({ bayMinutes: 2160, technicianMinutes: 1380, workshopMinutes: 1380, bookableMinutes: 1104, reservedMinutes: 276 });
  });

  test('R8: the bookable fraction is a store setting', () => {
    expect(dayCapacity(workshop, MONDAY, 0.7).byKind.BODY_PAINT.bookableMinutes).toBe(378);
  });

  test('a technician off shift (paint on Tuesday) leaves the kind with no capacity', () => {
    expect(dayCapacity(workshop, '2026-11-24', 0.8).byKind.BODY_PAINT.workshopMinutes).toBe(0);
  });

  test('a closed day has no capacity and says why', () => {
    const holiday = dayCapacity(workshop, '2026-11-25', 0.8);
    expect(holiday.closed).toBe('HOLIDAY');
    expect(holiday.total.workshopMinutes).toBe(0);
  });
});

describe('R8 capacityVerdict', () => {
  const general = dayCapacity(workshop, MONDAY, 0.8).byKind.GENERAL_REPAIR; // 840 workshop, 672 bookable

  test('R8: an ordinary job fits while the day stays within 80%', () => {
    expect(capacityVerdict(general, 600, 72, null)).toBe('FITS');
    expect(capacityVerdict(general, 600, 75, null)).toBe('RESERVED');
  });

  test('R8: safety, comeback (返修) and complaint jobs may use the reserved 20%, not more', () => {
    expect(capacityVerdict(general, 600, 75, 'SAFETY')).toBe('USES_RESERVE');
    expect(capacityVerdict(general, 780, 60, 'COMEBACK')).toBe('USES_RESERVE');
    expect(capacityVerdict(general, 780, 75, 'COMPLAINT')).toBe('FULL');
  });
});

test('bookedMinutes counts the part of each occupation inside the window, per bay kind', () => {
  const window = { start: at(MONDAY, '08:30'), end: at(MONDAY, '17:30') };
  const occupations = [
    { bayId: 'general-1', start: at(MONDAY, '09:00'), end: at(MONDAY, '10:30') },
    { bayId: 'paint-1', start: at(MONDAY, '16:30'), end: at(MONDAY, '19:30') },
    { bayId: 'general-2', start: at('2026-11-24', '09:00'), end: at('2026-11-24', '10:00') },
  ];
  expect(bookedMinutes(workshop, occupations, window)).toEqual({ total: 150, byKind: { GENERAL_REPAIR: 90, BODY_PAINT: 60 } });
});

test('R8: a job takes its standard hours rounded up to the slot grid', () => {
  expect(jobMinutes(workshop.jobTypes[1], 15)).toBe(75);
  expect(jobMinutes(workshop.jobTypes[0], 15)).toBe(30);
  expect(jobMinutes(workshop.jobTypes[1], 30)).toBe(90);
});

test('R8: the slot settings of a store fall back to the defaults when unusable', () => {
  expect(resolveStoreSettings({ slotGridMinutes: 30, bookableCapacityFraction: 0.75, maxArrivalsPerSlot: 6 })).toMatchObject({ slotGridMinutes: 30, bookableCapacityFraction: 0.75, maxArrivalsPerSlot: 6 });
  // A grid that is not a multiple of the 5-minute slot cell, a fraction given in percent, no arrivals at all.
  expect(resolveStoreSettings({ slotGridMinutes: 7, bookableCapacityFraction: 80, maxArrivalsPerSlot: 0, slotHoldMinutes: 2.5 })).toMatchObject({
    slotGridMinutes: 15,
    bookableCapacityFraction: 0.8,
    maxArrivalsPerSlot: 2,
    slotHoldMinutes: 15,
  });
});

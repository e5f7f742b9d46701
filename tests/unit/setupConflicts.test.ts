// R5 / R8: which open bookings a store's set-up no longer fits, and which of them a change left out.
import { localTime } from '../../domain/calendar';
import { affectedByChange, conflictsOf, PlannedBooking, StoreSetup } from '../../domain/setupConflicts';
import { MONDAY, workshop } from '../support/capacityFixture';

const setup: StoreSetup = { model: workshop, contactStartTime: '09:00', contactEndTime: '18:00' };
const at = (hhmm: string, date = MONDAY) => localTime(date, hhmm, workshop.utcOffsetMinutes);
const NOW = at('08:00');
const job = (start: string, end: string, bayId = 'general-1', jobTypeCode = 'PERIODIC_MAINTENANCE', date = MONDAY): PlannedBooking => ({
  bookingId: `${bayId}@${date} ${start}`,
  start: at(start, date),
  bayId,
  job: { jobTypeCode, end: at(end, date) },
});

test('a booking inside the hours, on a bay of its kind, with a skilled technician on shift fits', () => {
  expect(conflictsOf(setup, job('10:00', '11:15'), NOW)).toEqual([]);
});

test('R5: a closed weekday, a closed day, an arrival before opening, a job running past closing', () => {
  expect(conflictsOf(setup, job('10:00', '11:15', 'general-1', 'PERIODIC_MAINTENANCE', '2026-11-29'), NOW)).toEqual(['CLOSED']);
  expect(conflictsOf(setup, job('10:00', '11:15', 'general-1', 'PERIODIC_MAINTENANCE', '2026-11-25'), NOW)).toEqual(['HOLIDAY']);
  expect(conflictsOf(setup, job('08:00', '09:15'), at('07:00'))).toEqual(['OUTSIDE_HOURS']);
  expect(conflictsOf(setup, job('17:00', '18:15'), NOW)).toEqual(['OUTSIDE_HOURS']);
  // Ending at closing time is inside.
  expect(conflictsOf(setup, job('16:15', '17:30'), NOW)).toEqual([]);
});

test('a store that keeps no opening hours books by its contact hours every day (R5)', () => {
  const contactOnly: StoreSetup = { ...setup, model: { ...workshop, openingHours: [] } };
  const call: PlannedBooking = { bookingId: 'b', start: at('10:00', '2026-11-29'), bayId: null, job: null };
  expect(conflictsOf(contactOnly, call, NOW)).toEqual([]);
  expect(conflictsOf(contactOnly, { ...call, start: at('18:30', '2026-11-29') }, NOW)).toEqual(['OUTSIDE_HOURS']);
});

test('R8: a removed bay, a bay of another kind, no skilled technician on shift for the whole job', () => {
  expect(conflictsOf(setup, job('10:00', '11:15', 'general-9'), NOW)).toEqual(['BAY_REMOVED']);
  expect(conflictsOf(setup, job('10:00', '11:15', 'paint-1'), NOW)).toEqual(['WRONG_BAY_KIND']);
  // Only tech-c paints, on Mondays; on Tuesday nobody does.
  expect(conflictsOf(setup, job('10:00', '16:00', 'paint-1', 'PAINT', '2026-11-24'), NOW)).toEqual(['NO_TECHNICIAN']);
  // A booking the technical director put on a bay without bay time of its own: only the bay is checked.
  expect(conflictsOf(setup, { bookingId: 'b', start: at('10:00'), bayId: 'general-9', job: null }, NOW)).toEqual(['BAY_REMOVED']);
});

test('a change lists the bookings it left out, with only the reasons it brought', () => {
  const tuesdayClosed: StoreSetup = { ...setup, model: { ...workshop, openingHours: workshop.openingHours.filter((h) => h.weekday !== 2), bays: workshop.bays.filter((b) => b.id !== 'general-1') } };
  const monday = job('10:00', '11:15', 'general-1');
  const tuesday = job('10:00', '11:15', 'general-2', 'PERIODIC_MAINTENANCE', '2026-11-24');
  const alreadyOut = job('10:00', '11:15', 'general-1', 'PERIODIC_MAINTENANCE', '2026-11-29');
  expect(affectedByChange(setup, tuesdayClosed, [monday, tuesday, alreadyOut], NOW)).toEqual([
    { bookingId: monday.bookingId, reasons: ['BAY_REMOVED'] },
    { bookingId: tuesday.bookingId, reasons: ['CLOSED'] },
    // Already closed that Sunday: only the bay's removal is new.
    { bookingId: alreadyOut.bookingId, reasons: ['BAY_REMOVED'] },
  ]);
  expect(affectedByChange(tuesdayClosed, setup, [monday, tuesday, alreadyOut], NOW)).toEqual([]);
});

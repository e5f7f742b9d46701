// R18 / R24: a ticket's answer hours count the store's working hours, so it does not climb overnight.
import { answerDeadline } from '../../domain/serviceFailure';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import type { WorkingHours } from '../../domain/workingHours';

const s = DEFAULT_STORE_SETTINGS;
const weekdays: WorkingHours = {
  utcOffsetMinutes: 480,
  openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })),
  holidays: [],
  contactStartTime: s.contactStartTime,
  contactEndTime: s.contactEndTime,
};
const iso = (ms: number) => new Date(ms).toISOString();

test('R18: the supervisor of a ticket paged Friday 16:00 has 24 working hours: till Wednesday 13:00, not Saturday 16:00', () => {
  const friday4pm = Date.parse('2026-12-11T08:00:00Z');
  expect(iso(answerDeadline(friday4pm, 'D', 1, s, weekdays))).toBe('2026-12-16T05:00:00.000Z');
  // Without known hours (a ticket opened before they counted): clock hours, as before.
  expect(iso(answerDeadline(friday4pm, 'D', 1, s))).toBe('2026-12-12T08:00:00.000Z');
});

test("R18: the SA's D-ticket deadline stays the end of the next day", () => {
  const friday4pm = Date.parse('2026-12-11T08:00:00Z');
  expect(iso(answerDeadline(friday4pm, 'D', 0, s, weekdays))).toBe('2026-12-12T10:00:00.000Z');
});

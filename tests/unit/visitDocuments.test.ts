// R23 a visit's documents reach customer relations within one working day of the delivery: by the end of
// the store's next working day, closed days and holidays skipped, in the store's own days.
import type { StoreHours } from '../../domain/bookingHours';
import { localTime } from '../../domain/calendar';
import { documentsDueBy } from '../../reports/visitDocuments';

describe.each([
  ['Shanghai (UTC+8)', 480],
  ['UTC−8', -480],
])('R23 documents due by, store in %s', (_zone, offset) => {
  // Monday to Saturday 08:30–17:30; closed on Sunday and on 1 January.
  const hours: StoreHours = {
    utcOffsetMinutes: offset,
    openingHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })),
    holidays: ['2027-01-01'],
    contactStartTime: '09:00',
    contactEndTime: '18:00',
  };
  const at = (day: string, hhmm: string) => localTime(day, hhmm, offset);

  test('delivered on a Friday: by Saturday’s closing', () => {
    expect(documentsDueBy(at('2026-12-04', '16:00'), hours)).toBe(at('2026-12-05', '17:30'));
  });

  test('delivered on a Saturday: Sunday is closed, so by Monday’s closing', () => {
    expect(documentsDueBy(at('2026-12-05', '09:00'), hours)).toBe(at('2026-12-07', '17:30'));
  });

  test('delivered late on New Year’s Eve: the holiday is skipped, by Saturday 2 January’s closing', () => {
    expect(documentsDueBy(at('2026-12-31', '23:00'), hours)).toBe(at('2027-01-02', '17:30'));
  });

  test('a store without opening hours: by the end of the next day’s contact hours', () => {
    const contactOnly: StoreHours = { ...hours, openingHours: [], holidays: [] };
    expect(documentsDueBy(at('2026-12-05', '16:00'), contactOnly)).toBe(at('2026-12-06', '18:00'));
  });
});

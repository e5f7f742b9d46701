// Work for people falls due in working hours: outside them it opens at the start of the next working
// period, and escalations count only working time. Both time zones the product runs in.
import { addWorkingHours, WorkingHours, workingPeriod, workingTimeFrom } from '../../domain/workingHours';

const HOUR = 3_600_000;
const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' }));
const stores = [
  ['China (+08:00)', 480],
  ['Los Angeles (−08:00)', -480],
] as const;

describe.each(stores)('%s', (_zone, utcOffsetMinutes) => {
  /** Store-local wall-clock time → instant. */
  const local = (isoLocal: string) => Date.parse(`${isoLocal}Z`) - utcOffsetMinutes * 60_000;
  const iso = (ms: number) => new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 16);
  // 2026-12-07 is a Monday; 2026-12-09 a holiday.
  const opening: WorkingHours = { utcOffsetMinutes, openingHours: weekdays, holidays: ['2026-12-09'], contactStartTime: '09:00', contactEndTime: '18:00' };
  const contactOnly: WorkingHours = { ...opening, openingHours: [], holidays: [] };

  test('a rule time inside the hours, up to the closing minute, stands', () => {
    expect(iso(workingTimeFrom(local('2026-12-07T10:15'), opening))).toBe('2026-12-07T10:15');
    expect(iso(workingTimeFrom(local('2026-12-07T17:30'), opening))).toBe('2026-12-07T17:30');
    expect(workingTimeFrom(local('2026-12-07T17:30') + 59_999, opening)).toBe(local('2026-12-07T17:30') + 59_999);
    expect(iso(workingTimeFrom(local('2026-12-07T17:31'), opening))).toBe('2026-12-08T08:30');
  });

  test("a multi-day job's 80% point at night opens at the next morning's opening", () => {
    expect(iso(workingTimeFrom(local('2026-12-07T23:36'), opening))).toBe('2026-12-08T08:30');
    expect(iso(workingTimeFrom(local('2026-12-08T03:00'), opening))).toBe('2026-12-08T08:30');
  });

  test('a check on a closed day or a holiday opens on the next working day', () => {
    expect(iso(workingTimeFrom(local('2026-12-08T18:00'), opening))).toBe('2026-12-10T08:30'); // Wednesday is a holiday
    expect(iso(workingTimeFrom(local('2026-12-12T11:00'), opening))).toBe('2026-12-14T08:30'); // Saturday → Monday
  });

  test('a store without opening hours works its contact hours every day', () => {
    expect(workingPeriod('2026-12-12', contactOnly)).toEqual({ start: local('2026-12-12T09:00'), end: local('2026-12-12T18:00') });
    expect(iso(workingTimeFrom(local('2026-12-12T20:00'), contactOnly))).toBe('2026-12-13T09:00');
  });

  test('a store that works around the clock moves nothing', () => {
    const always = { ...contactOnly, contactStartTime: '00:00', contactEndTime: '24:00' };
    expect(iso(workingTimeFrom(local('2026-12-12T03:00'), always))).toBe('2026-12-12T03:00');
    expect(iso(addWorkingHours(local('2026-12-12T20:00'), 24, always))).toBe('2026-12-13T20:00');
  });

  test('escalations count working hours: closing time, nights, weekends and holidays do not count', () => {
    // Monday 15:30 + 4 working hours: 2 on Monday, 2 on Tuesday morning.
    expect(iso(addWorkingHours(local('2026-12-07T15:30'), 4, opening))).toBe('2026-12-08T10:30');
    // Tuesday 16:00 + 24 working hours: 1.5 Tuesday, Wednesday a holiday, 9 Thursday, 9 Friday, 4.5 Monday.
    expect(iso(addWorkingHours(local('2026-12-08T16:00'), 24, opening))).toBe('2026-12-14T13:00');
    // Started at night: counting begins when the store opens.
    expect(iso(addWorkingHours(local('2026-12-12T22:00'), 1, opening))).toBe('2026-12-14T09:30');
  });

  test('a store that never works keeps the rule time', () => {
    const never = { ...opening, openingHours: [{ weekday: 1, opensAt: '10:00', closesAt: '10:00' }] };
    expect(workingTimeFrom(local('2026-12-07T11:00'), never)).toBe(local('2026-12-07T11:00'));
    expect(addWorkingHours(local('2026-12-07T11:00'), 2, never)).toBe(local('2026-12-07T11:00') + 2 * HOUR);
  });
});

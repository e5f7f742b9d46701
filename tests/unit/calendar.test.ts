import { addDays, addMonths, daysBetween, earliest, HOUR_MS, isCalendarDate, localDate, localDayBounds, localTime } from '../../domain/calendar';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar', () => {
  it('an hour is 3,600,000 ms', () => {
    expect(HOUR_MS).toBe(3_600_000);
  });

  it("localDayBounds gives the store's local midnight to midnight around an instant (UTC+8)", () => {
    // 2026-06-15 00:30 and 23:45 in Shanghai are 2026-06-14T16:30Z and 2026-06-15T15:45Z.
    const early = localDayBounds(Date.parse('2026-06-14T16:30:00Z'), 480);
    const late = localDayBounds(Date.parse('2026-06-15T15:45:00Z'), 480);
    expect(early).toEqual(late);
    expect(iso(early.from)).toBe('2026-06-14T16:00:00.000Z');
    expect(iso(early.to)).toBe('2026-06-15T16:00:00.000Z');
    expect(iso(localDayBounds(Date.parse('2026-06-15T16:00:00Z'), 480).from)).toBe('2026-06-15T16:00:00.000Z');
  });

  it('isCalendarDate accepts real YYYY-MM-DD dates only', () => {
    expect(isCalendarDate('2026-06-15')).toBe(true);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-6-15')).toBe(false);
    expect(isCalendarDate('2026-06-15T00:00:00Z')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });

  it('addDays crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-06-15', 1)).toBe('2026-06-16');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-06-28', -13)).toBe('2026-06-15');
    expect(addDays('2026-06-15', 0)).toBe('2026-06-15');
  });

  it('addDays rejects a malformed or impossible date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('15/06/2026', 1)).toThrow(RangeError);
  });

  it('addMonths keeps the day of month', () => {
    expect(addMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(addMonths('2026-08-15', 6)).toBe('2027-02-15');
    expect(addMonths('2026-01-15', 0)).toBe('2026-01-15');
    expect(addMonths('2026-01-15', -2)).toBe('2025-11-15');
  });

  it('addMonths clamps a day the target month lacks to its last day', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('daysBetween counts calendar days, negative when going back', () => {
    expect(daysBetween('2026-06-15', '2026-06-15')).toBe(0);
    expect(daysBetween('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-03-01', '2026-02-01')).toBe(-28);
  });

  it('earliest picks the first date in time', () => {
    expect(earliest('2026-06-15', '2026-05-31', '2027-01-01')).toBe('2026-05-31');
    expect(earliest('2026-10-01', '2026-09-30')).toBe('2026-09-30');
    expect(earliest('2026-06-15')).toBe('2026-06-15');
  });

  it('localDate gives the store calendar date at an instant (+08:00 turns over at 16:00Z)', () => {
    expect(localDate(Date.parse('2026-06-14T15:59:59.999Z'), 480)).toBe('2026-06-14');
    expect(localDate(Date.parse('2026-06-14T16:00:00.000Z'), 480)).toBe('2026-06-15');
    expect(localDate(Date.parse('2026-06-15T03:00:00.000Z'), -300)).toBe('2026-06-14');
    expect(localDate(Date.parse('2026-12-31T16:30:00.000Z'), 480)).toBe('2027-01-01');
  });

  it('localTime converts a store wall-clock time to an instant', () => {
    expect(iso(localTime('2026-06-15', '09:00', 480))).toBe('2026-06-15T01:00:00.000Z');
    expect(iso(localTime('2026-06-15', '00:30', 480))).toBe('2026-06-14T16:30:00.000Z');
    expect(iso(localTime('2026-06-15', '09:00', 540))).toBe('2026-06-15T00:00:00.000Z');
    expect(iso(localTime('2026-06-15', '09:00', -300))).toBe('2026-06-15T14:00:00.000Z');
    expect(iso(localTime('2026-06-15', '18:00', 0))).toBe('2026-06-15T18:00:00.000Z');
  });

  it('localTime rejects a time not written HH:MM', () => {
    expect(() => localTime('2026-06-15', '9:00', 480)).toThrow(RangeError);
    expect(() => localTime('2026-06-15', '09:00:00', 480)).toThrow(RangeError);
  });
});

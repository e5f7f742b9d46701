// R23 the report calendar over whole months, for a store in China (UTC+8) and one at UTC−8: dates are the
// store's own, whatever the machine's zone.
import type { StoreHours } from '../../domain/bookingHours';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { DueReport, reportCalendar, reportsDueBetween } from '../../reports/calendar';

const ZONES = [
  ['Shanghai (UTC+8)', 480],
  ['UTC−8', -480],
] as const;

/** Monday to Saturday 08:30–17:30, closed on Sunday (weekday 0). */
function workshop(utcOffsetMinutes: number, holidays: string[] = []): StoreHours {
  return {
    utcOffsetMinutes,
    openingHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })),
    holidays,
    contactStartTime: '09:00',
    contactEndTime: '18:00',
  };
}

const localHhmm = (ms: number, offset: number) => new Date(ms + offset * 60_000).toISOString().slice(11, 16);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const ofKind = (due: DueReport[], kind: DueReport['kind']) => due.filter((r) => r.kind === kind);

describe.each(ZONES)('R23 report calendar, store in %s', (_zone, offset) => {
  const december = reportCalendar('2026-12', workshop(offset, ['2026-12-25']));

  test('daily: every working day of the month before work, over yesterday and today', () => {
    const daily = ofKind(december, 'DAILY');
    const days = Array.from({ length: 31 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`);
    const working = days.filter((d) => weekday(d) !== 0 && d !== '2026-12-25');
    expect(daily.map((r) => r.dueOn)).toEqual(working);
    for (const r of daily) {
      expect(r.period).toEqual({ from: addDays(r.dueOn, -1), to: r.dueOn });
      expect(r.dueAt).toBe(localTime(r.dueOn, '08:30', offset));
      expect(localDate(r.dueAt, offset)).toBe(r.dueOn);
    }
  });

  test('weekly: each Saturday at closing, over Sunday to Saturday', () => {
    const weekly = ofKind(december, 'WEEKLY');
    expect(weekly.map((r) => r.dueOn)).toEqual(['2026-12-05', '2026-12-12', '2026-12-19', '2026-12-26']);
    for (const r of weekly) {
      expect(weekday(r.dueOn)).toBe(6);
      expect(weekday(r.period.from)).toBe(0);
      expect(r.period.to).toBe(r.dueOn);
      expect(addDays(r.period.from, 6)).toBe(r.period.to);
      expect(localHhmm(r.dueAt, offset)).toBe('17:30');
    }
  });

  test('monthly: the last day at closing, over the whole month', () => {
    const [monthly] = ofKind(december, 'MONTHLY');
    expect(monthly.period).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(monthly.dueOn).toBe('2026-12-31');
    expect(monthly.dueAt).toBe(localTime('2026-12-31', '17:30', offset));
  });

  test('3DC by the 5th and service failures by the 8th, over the month before, at opening', () => {
    const [survey] = ofKind(december, 'SURVEY_3DC');
    const [failure] = ofKind(december, 'SERVICE_FAILURE');
    expect(survey.period).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(failure.period).toEqual(survey.period);
    expect(survey.dueAt).toBe(localTime('2026-12-05', '08:30', offset));
    expect(failure.dueAt).toBe(localTime('2026-12-08', '08:30', offset));
  });

  test('a deadline on a closed day moves to the working day before it, never after', () => {
    // 2026-07-05 is a Sunday: the 3DC report goes out on Saturday the 4th.
    const [july] = ofKind(reportCalendar('2026-07', workshop(offset)), 'SURVEY_3DC');
    expect(weekday('2026-07-05')).toBe(0);
    expect(july.dueOn).toBe('2026-07-04');
    // A month-end Sunday: the monthly report goes out on Saturday's close.
    const [may] = ofKind(reportCalendar('2026-05', workshop(offset)), 'MONTHLY');
    expect(weekday('2026-05-31')).toBe(0);
    expect(may.dueOn).toBe('2026-05-30');
    expect(may.period.to).toBe('2026-05-31');
    // Closed 1–7 October (national holidays): nothing works by the 5th, so the deadline itself, at the
    // contact hours' start.
    const golden = Array.from({ length: 7 }, (_, i) => `2026-10-0${i + 1}`);
    const october = reportCalendar('2026-10', workshop(offset, golden));
    expect(ofKind(october, 'SURVEY_3DC')[0].dueAt).toBe(localTime('2026-10-05', '09:00', offset));
    expect(ofKind(october, 'SERVICE_FAILURE')[0].dueOn).toBe('2026-10-08');
    // The weekly report of the week 27 Sep–3 Oct goes out on the week's last working day, Wednesday 30 Sep.
    const weekly = ofKind(reportCalendar('2026-10', workshop(offset, golden)), 'WEEKLY')[0];
    expect(weekly.period).toEqual({ from: '2026-09-27', to: '2026-10-03' });
    expect(weekly.dueOn).toBe('2026-09-30');
  });

  test('a store without opening hours reports on its contact hours, every day', () => {
    const hours: StoreHours = { utcOffsetMinutes: offset, openingHours: [], holidays: [], contactStartTime: '09:00', contactEndTime: '18:00' };
    const february = reportCalendar('2027-02', hours);
    expect(ofKind(february, 'DAILY')).toHaveLength(28);
    expect(ofKind(february, 'DAILY')[0].period.from).toBe('2027-01-31');
    expect(ofKind(february, 'MONTHLY')[0].dueAt).toBe(localTime('2027-02-28', '18:00', offset));
  });

  test('the calendar is in due order and names each report once', () => {
    const keys = december.map((r) => `${r.kind}:${r.period.from}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(december.map((r) => r.dueAt)).toEqual([...december.map((r) => r.dueAt)].sort((a, b) => a - b));
    // 31 days less four Sundays and the 25th, four Saturdays, the month, the 3DC and the service-failure reports.
    expect(december).toHaveLength(26 + 4 + 1 + 1 + 1);
  });

  test('a delivery run finds what fell due since the last one, across a month and a year end', () => {
    const hours = workshop(offset);
    const fifth = localTime('2026-12-05', '08:30', offset);
    const morning = reportsDueBetween(fifth - 86_400_000, fifth, hours).map((r) => r.kind);
    // Friday's 17:30 closes no report; Saturday 5 December before work: the daily and the 3DC report.
    expect(morning).toEqual(['DAILY', 'SURVEY_3DC']);
    const newYear = reportsDueBetween(localTime('2026-12-31', '12:00', offset), localTime('2027-01-01', '12:00', offset), hours);
    expect(newYear.map((r) => `${r.kind} ${r.dueOn}`)).toEqual(['MONTHLY 2026-12-31', 'DAILY 2027-01-01']);
    expect(newYear[1].period.from).toBe('2026-12-31');
    // Nothing is due twice: the next window starts where this one ended.
    const next = reportsDueBetween(localTime('2027-01-01', '12:00', offset), localTime('2027-01-02', '12:00', offset), hours);
    expect(next.map((r) => r.dueOn)).toEqual(['2027-01-02']);
  });
});

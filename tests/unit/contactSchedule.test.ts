import { confirmationCallWindow, followUpCallWindow, reminderAt, reminderCallWindow, retryCallWindow, secondCallWindow } from '../../domain/contactSchedule';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const s = DEFAULT_STORE_SETTINGS; // +08:00, contact hours 09:00–18:00
const at = (isoString: string) => Date.parse(isoString);
const iso = (ms: number) => new Date(ms).toISOString();
const isoWindow = (w: { at: number; by: number }) => ({ at: iso(w.at), by: iso(w.by) });

describe('reminderAt', () => {
  it('R2: reminder 13 days before due at 09:00 store time', () => {
    expect(iso(reminderAt('2026-06-28', s))).toBe('2026-06-15T01:00:00.000Z');
  });

  it('R2: reminder crosses a month end and a leap day', () => {
    expect(iso(reminderAt('2026-03-05', s))).toBe('2026-02-20T01:00:00.000Z');
    expect(iso(reminderAt('2024-03-05', s))).toBe('2024-02-21T01:00:00.000Z');
  });

  it('R2: a +09:00 store with its own lead days and start time', () => {
    const seoul = resolveStoreSettings({ utcOffsetMinutes: 540, contactStartTime: '08:30', reminderLeadDays: 10 });
    // 2026-06-18 08:30 +09:00 is the evening before in UTC
    expect(iso(reminderAt('2026-06-28', seoul))).toBe('2026-06-17T23:30:00.000Z');
  });

  it('R2: wrong-typed settings fall back to 13 days at 09:00 +08:00', () => {
    const typo = resolveStoreSettings({ utcOffsetMinutes: '540', reminderLeadDays: '10' });
    expect(iso(reminderAt('2026-06-28', typo))).toBe('2026-06-15T01:00:00.000Z');
  });
});

describe('reminderCallWindow', () => {
  it('R3: phone call 11 days before due, within 09:00–18:00 store time', () => {
    expect(isoWindow(reminderCallWindow('2026-06-28', s))).toEqual({
      at: '2026-06-17T01:00:00.000Z',
      by: '2026-06-17T10:00:00.000Z',
    });
  });

  it('R3: call day crosses the year end', () => {
    expect(isoWindow(reminderCallWindow('2027-01-05', s))).toEqual({
      at: '2026-12-25T01:00:00.000Z',
      by: '2026-12-25T10:00:00.000Z',
    });
  });

  it('R3: a store west of UTC (-05:00) calls at its own 09:00–18:00', () => {
    const west = resolveStoreSettings({ utcOffsetMinutes: -300 });
    expect(isoWindow(reminderCallWindow('2026-06-28', west))).toEqual({
      at: '2026-06-17T14:00:00.000Z',
      by: '2026-06-17T23:00:00.000Z',
    });
  });
});

describe('confirmationCallWindow', () => {
  it('R7: SA confirmation call 2 days before the booked day', () => {
    // booked 2026-06-15 10:00 +08:00
    expect(isoWindow(confirmationCallWindow(at('2026-06-15T02:00:00.000Z'), s))).toEqual({
      at: '2026-06-13T01:00:00.000Z',
      by: '2026-06-13T10:00:00.000Z',
    });
  });

  it('R7: the booked day is the store-local date, not the UTC date', () => {
    // 2026-06-14T23:30Z is 2026-06-15 07:30 +08:00
    expect(isoWindow(confirmationCallWindow(at('2026-06-14T23:30:00.000Z'), s))).toEqual({
      at: '2026-06-13T01:00:00.000Z',
      by: '2026-06-13T10:00:00.000Z',
    });
  });

  it('R7: call day crosses back over a month end', () => {
    // booked 2026-03-02 09:00 +08:00
    expect(iso(confirmationCallWindow(at('2026-03-02T01:00:00.000Z'), s).at)).toBe('2026-02-28T01:00:00.000Z');
  });
});

describe('followUpCallWindow', () => {
  const delivered = at('2026-06-10T08:00:00.000Z'); // 16:00 +08:00

  it('R17: 3 days after delivery, 2 for a first service, window closes after 5', () => {
    expect(isoWindow(followUpCallWindow(delivered, false, s))).toEqual({
      at: '2026-06-13T01:00:00.000Z',
      by: '2026-06-15T10:00:00.000Z',
    });
    expect(isoWindow(followUpCallWindow(delivered, true, s))).toEqual({
      at: '2026-06-12T01:00:00.000Z',
      by: '2026-06-15T10:00:00.000Z',
    });
  });

  it('R17: days count from the store-local delivery date', () => {
    // 2026-06-11T02:00Z is 2026-06-10 21:00 at -05:00
    const west = resolveStoreSettings({ utcOffsetMinutes: -300 });
    expect(isoWindow(followUpCallWindow(at('2026-06-11T02:00:00.000Z'), false, west))).toEqual({
      at: '2026-06-13T14:00:00.000Z',
      by: '2026-06-15T23:00:00.000Z',
    });
  });

  it('R17: window crosses a month end', () => {
    expect(isoWindow(followUpCallWindow(at('2026-01-30T06:00:00.000Z'), false, s))).toEqual({
      at: '2026-02-02T01:00:00.000Z',
      by: '2026-02-04T10:00:00.000Z',
    });
  });

  it('R17: the 2-days-to-1-week variant as a store setting', () => {
    const variant = resolveStoreSettings({ followUpDays: 2, followUpWindowEndDays: 7 });
    expect(isoWindow(followUpCallWindow(delivered, false, variant))).toEqual({
      at: '2026-06-12T01:00:00.000Z',
      by: '2026-06-17T10:00:00.000Z',
    });
  });
});

describe('R4 second call and R3 retries', () => {
  const s = DEFAULT_STORE_SETTINGS;
  it('R4: an undecided customer is called again the day before parts must be ordered (due - 8 days, 09:00)', () => {
    // due 2026-12-20, parts ordered by 12-13, second call 12-12 09:00-18:00 +08:00
    expect(secondCallWindow('2026-12-20', Date.parse('2026-12-09T02:00:00Z'), s)).toEqual({
      at: Date.parse('2026-12-12T01:00:00Z'),
      by: Date.parse('2026-12-12T10:00:00Z'),
    });
  });
  it('R4: when that day has passed the second call is owed at once, by the end of today', () => {
    const now = Date.parse('2026-12-15T03:00:00Z'); // 11:00 local
    expect(secondCallWindow('2026-12-20', now, s)).toEqual({ at: now, by: Date.parse('2026-12-15T10:00:00Z') });
  });
  it('R4: after contact hours the late second call gets 4 hours', () => {
    const now = Date.parse('2026-12-15T12:00:00Z'); // 20:00 local
    expect(secondCallWindow('2026-12-20', now, s)).toEqual({ at: now, by: Date.parse('2026-12-15T16:00:00Z') });
  });
  it('R3: an unreachable customer is called again 24 hours later', () => {
    const now = Date.parse('2026-12-09T02:00:00Z');
    expect(retryCallWindow(now, s)).toEqual({ at: Date.parse('2026-12-10T02:00:00Z'), by: Date.parse('2026-12-10T10:00:00Z') });
  });
});

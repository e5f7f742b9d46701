import { progressCheckAt } from '../../domain/progressCheck';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const s = DEFAULT_STORE_SETTINGS;
const at = (isoString: string) => Date.parse(isoString);
const iso = (ms: number) => new Date(ms).toISOString();
const checkedIn = at('2026-06-15T01:00:00.000Z');

describe('progressCheckAt', () => {
  it('R14: status check when 80% of the repair time has passed', () => {
    // 10-hour job → 8 hours after check-in
    expect(iso(progressCheckAt(checkedIn, at('2026-06-15T11:00:00.000Z'), s))).toBe('2026-06-15T09:00:00.000Z');
  });

  it('R14: 80% of a multi-day job', () => {
    // 120-hour job → 96 hours after check-in
    expect(iso(progressCheckAt(checkedIn, at('2026-06-20T01:00:00.000Z'), s))).toBe('2026-06-19T01:00:00.000Z');
  });

  it('R14: rounds to a whole millisecond', () => {
    expect(progressCheckAt(0, 1_001, s)).toBe(801);
  });

  it('R14: a job with no duration is checked at check-in', () => {
    expect(iso(progressCheckAt(checkedIn, checkedIn, s))).toBe('2026-06-15T01:00:00.000Z');
  });

  it('R14: a store fraction set through the store settings', () => {
    const custom = resolveStoreSettings({ progressCheckFraction: 0.75 });
    expect(iso(progressCheckAt(checkedIn, at('2026-06-15T11:00:00.000Z'), custom))).toBe('2026-06-15T08:30:00.000Z');
  });

  it('R14: a wrong-typed fraction falls back to 80%', () => {
    const typo = resolveStoreSettings({ progressCheckFraction: '0.75' });
    expect(iso(progressCheckAt(checkedIn, at('2026-06-15T11:00:00.000Z'), typo))).toBe('2026-06-15T09:00:00.000Z');
  });
});

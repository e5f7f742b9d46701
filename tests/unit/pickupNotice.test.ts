import { pickupNoticeAt } from '../../domain/pickupNotice';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const s = DEFAULT_STORE_SETTINGS;
const at = (isoString: string) => Date.parse(isoString);
const iso = (ms: number) => new Date(ms).toISOString();
const checkedIn = at('2026-06-15T01:00:00.000Z');
const noticeFor = (readyIso: string, settings = s) => iso(pickupNoticeAt(checkedIn, at(readyIso), settings));

describe('pickupNoticeAt', () => {
  it('R15: 1 hour before ready for a job of at most 2 days / 4 hours for longer', () => {
    expect(noticeFor('2026-06-15T10:00:00.000Z')).toBe('2026-06-15T09:00:00.000Z');
    expect(noticeFor('2026-06-20T09:00:00.000Z')).toBe('2026-06-20T05:00:00.000Z');
  });

  it('R15: a job of exactly 48 hours is a short job', () => {
    expect(noticeFor('2026-06-17T01:00:00.000Z')).toBe('2026-06-17T00:00:00.000Z');
  });

  it('R15: a job one minute over 48 hours is a long job', () => {
    expect(noticeFor('2026-06-17T01:01:00.000Z')).toBe('2026-06-16T21:01:00.000Z');
  });

  it('R15: the notice is never before check-in', () => {
    expect(noticeFor('2026-06-15T01:30:00.000Z')).toBe('2026-06-15T01:00:00.000Z');
    expect(noticeFor('2026-06-15T02:00:00.000Z')).toBe('2026-06-15T01:00:00.000Z');
  });

  it('R15: the notice is never before check-in with a long lead set by the store', () => {
    const custom = resolveStoreSettings({ shortJobMaxHours: 1, longJobNoticeHours: 4 });
    expect(noticeFor('2026-06-15T04:00:00.000Z', custom)).toBe('2026-06-15T01:00:00.000Z');
  });

  it('R15: thresholds and leads set through the store settings', () => {
    const custom = resolveStoreSettings({ shortJobMaxHours: 24, shortJobNoticeHours: 2 });
    expect(noticeFor('2026-06-15T21:00:00.000Z', custom)).toBe('2026-06-15T19:00:00.000Z'); // 20 h job
    expect(noticeFor('2026-06-16T07:00:00.000Z', custom)).toBe('2026-06-16T03:00:00.000Z'); // 30 h job
  });

  it('R15: wrong-typed thresholds fall back to 48 h / 1 h / 4 h', () => {
    const typo = resolveStoreSettings({ shortJobMaxHours: '24', longJobNoticeHours: null });
    expect(noticeFor('2026-06-16T07:00:00.000Z', typo)).toBe('2026-06-16T06:00:00.000Z'); // 30 h job is short
  });
});

// R1b / R22: a first service cancelled or missed is followed up by the sales consultant within the store's days.
import { missedFirstServiceFollowUp } from '../../domain/careSchedule';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const iso = (ms: number) => new Date(ms).toISOString();

test('R1b R22: owed from the start of contact hours on the day it was missed, done within 3 days (that day included)', () => {
  const call = missedFirstServiceFollowUp('2026-12-07', '2026-12-07', DEFAULT_STORE_SETTINGS)!;
  expect({ at: iso(call.at), by: iso(call.by), occasion: call.occasion }).toEqual({ at: '2026-12-07T01:00:00.000Z', by: '2026-12-09T10:00:00.000Z', occasion: '2026-12-09' });
});

test('R1b R22: the days are a store setting; 0 still leaves the day itself', () => {
  expect(iso(missedFirstServiceFollowUp('2026-12-07', '2026-12-07', resolveStoreSettings({ missedFirstServiceFollowUpDays: 5 }))!.by)).toBe('2026-12-11T10:00:00.000Z');
  expect(iso(missedFirstServiceFollowUp('2026-12-07', '2026-12-07', resolveStoreSettings({ missedFirstServiceFollowUpDays: 0 }))!.by)).toBe('2026-12-07T10:00:00.000Z');
});

test('R1b R22: a miss already followed up (care owes from a later day) is not called again', () => {
  expect(missedFirstServiceFollowUp('2026-12-07', '2026-12-10', DEFAULT_STORE_SETTINGS)).toBeUndefined();
});

// R14 before R15: the workshop's 80% check comes before the "please come" notice, at every job length.
import { pickupNoticeAt } from '../../domain/pickupNotice';
import { progressCheckAt } from '../../domain/progressCheck';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const HOUR = 3_600_000;
const checkedIn = Date.parse('2026-06-15T02:00:00.000Z');
/** Minutes after check-in of the check and of the notice, for a job of `hours`. */
const sequence = (hours: number, s = DEFAULT_STORE_SETTINGS) => {
  const ready = checkedIn + hours * HOUR;
  return { check: (progressCheckAt(checkedIn, ready, s) - checkedIn) / 60_000, notice: (pickupNoticeAt(checkedIn, ready, s) - checkedIn) / 60_000 };
};

test.each([
  // job, check (min after check-in), notice (min after check-in), why
  [1, 48, 0, '80%; the notice would be due at check-in, so it follows the answer'],
  [3, 90, 120, 'moved from 80% (2 h 24) to half an hour before the notice (50%)'],
  [4, 150, 180, 'moved from 80% (3 h 12) to half an hour before the notice'],
  [5, 210, 240, 'moved from 80% (4 h, with the notice) to half an hour before it'],
  [48, 38.4 * 60, 47 * 60, '80%, long before the notice 1 h before ready'],
  [72, 57.6 * 60, 68 * 60, '80%, long before the notice 4 h before ready'],
])('R14 R15: a %i-hour job is checked at minute %d, the customer told to come at minute %d (%s)', (hours, check, notice) => {
  expect(sequence(hours)).toEqual({ check, notice });
});

test('R14 R15: the margin is a store setting; never before half the job', () => {
  const wide = resolveStoreSettings({ progressCheckBeforeNoticeMinutes: 90 });
  expect(sequence(5, wide).check).toBe(150);
  // 3 h job: 90 minutes before the 2 h notice would be 30 minutes in: the check waits for half the job.
  expect(sequence(3, wide).check).toBe(90);
  // 90 minutes: half the job is past the notice (at check-in), so the check stays at 80%.
  expect(sequence(1.5).check).toBe(72);
});

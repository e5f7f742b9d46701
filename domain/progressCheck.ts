import { pickupNoticeAt } from './pickupNotice';
import { StoreSettings } from './storeSettings';

/** Before half the job the workshop cannot tell whether it will finish on time. */
const EARLIEST_CHECK_FRACTION = 0.5;

type CheckSettings = Pick<StoreSettings, 'progressCheckFraction' | 'progressCheckBeforeNoticeMinutes' | 'shortJobMaxHours' | 'shortJobNoticeHours' | 'longJobNoticeHours'>;

/**
 * R14: when 80% of the estimated repair time has passed, the SA asks the workshop whether it will finish
 * on time. R14 before R15: the customer is told to come only once the workshop has answered, so when 80%
 * would come later than the store's margin before the pickup notice, the check moves ahead to that margin,
 * but not before half the job. A job so short that half of it is past the notice keeps its check at 80%,
 * and the notice follows the answer.
 */
export function progressCheckAt(checkedInAtMs: number, promisedReadyAtMs: number, s: CheckSettings): number {
  const job = promisedReadyAtMs - checkedInAtMs;
  const atFraction = checkedInAtMs + Math.round(job * s.progressCheckFraction);
  const noticeAt = pickupNoticeAt(checkedInAtMs, promisedReadyAtMs, s);
  const beforeNotice = noticeAt - s.progressCheckBeforeNoticeMinutes * 60_000;
  if (atFraction <= beforeNotice) return atFraction;
  const ahead = Math.max(beforeNotice, checkedInAtMs + Math.round(job * EARLIEST_CHECK_FRACTION));
  return ahead < noticeAt ? ahead : atFraction;
}

import { HOUR_MS } from './calendar';
import { StoreSettings } from './storeSettings';

/** R15: tell the customer to come 1 hour before ready for a job of up to 2 days, 4 hours before for a longer one. */
export function pickupNoticeAt(checkedInAtMs: number, promisedReadyAtMs: number, s: Pick<StoreSettings, 'shortJobMaxHours' | 'shortJobNoticeHours' | 'longJobNoticeHours'>): number {
  const jobHours = (promisedReadyAtMs - checkedInAtMs) / HOUR_MS;
  const leadHours = jobHours <= s.shortJobMaxHours ? s.shortJobNoticeHours : s.longJobNoticeHours;
  return Math.max(checkedInAtMs, promisedReadyAtMs - leadHours * HOUR_MS);
}

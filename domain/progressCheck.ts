import { StoreSettings } from './storeSettings';

/** R14: when 80% of the estimated repair time has passed, the SA asks the workshop whether it will finish on time. */
export function progressCheckAt(checkedInAtMs: number, promisedReadyAtMs: number, s: StoreSettings): number {
  return checkedInAtMs + Math.round((promisedReadyAtMs - checkedInAtMs) * s.progressCheckFraction);
}

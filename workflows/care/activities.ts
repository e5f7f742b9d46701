// The activities a vehicle's customer care calls.
import type { Activities } from '../../activities';

export type CareActivities = Pick<
  Activities,
  | 'loadStoreSettings'
  | 'openTask'
  | 'queueCustomerMessage'
  | 'recordCareCall'
  | 'recordSettingsApplied'
>;

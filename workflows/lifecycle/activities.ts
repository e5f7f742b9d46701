// The activities a vehicle's lifecycle calls: one database transaction each, as local activities.
import type { Activities } from '../../activities';

export type LifecycleActivities = Pick<
  Activities,
  | 'assignStaff'
  | 'bookInbound'
  | 'cancelBooking'
  | 'checkIn'
  | 'closeCycleWithoutService'
  | 'closeLifecycle'
  | 'completePreparation'
  | 'confirmBooking'
  | 'decideAdditionalWork'
  | 'deliverVehicle'
  | 'markNoShow'
  | 'openCycle'
  | 'openTask'
  | 'queueCustomerMessage'
  | 'receiveWalkIn'
  | 'recordCallOutcome'
  | 'recordFollowUp'
  | 'recordPartsDeposit'
  | 'recordProgressCheck'
  | 'recordSalesCall'
  | 'recordSettingsApplied'
  | 'reopenConfirmation'
  | 'reportAdditionalWork'
  | 'rescheduleBooking'
  | 'scheduleCycle'
>;

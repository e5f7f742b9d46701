import type { Activities } from '../activities';
import type { CyclePolicy } from '../activities/registration';
import type { StepContext } from '../activities/stepContext';
import type { Preparation } from '../activities/serviceSteps';
import { cycleDueDate } from '../domain/dueDate';
import { partsDeposit, PartToOrder } from '../domain/partsDeposit';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';

export interface RecordedCall {
  name: keyof Activities;
  /** The workflow time of the decision, from the step context. */
  at?: string;
  cycle?: number;
  /** The workflow that asked: a vehicle's lifecycle, its care or its ticket share one back office. */
  workflowId?: string;
  args: unknown[];
}

/**
 * Stand-ins for the database activities that record what the workflow asked for and when: the back
 * office of the scenario runner, and the fake activities of the workflow tests.
 */
export function recordingActivities(policy: Partial<CyclePolicy> = {}, partsToOrder: PartToOrder[] = []) {
  const calls: RecordedCall[] = [];
  const record = (name: keyof Activities, args: unknown[]) => {
    const ctx = args[0] as StepContext | undefined;
    calls.push({ name, at: ctx?.at, cycle: ctx?.cycle, workflowId: ctx?.workflowId, args: args.slice(1) });
  };
  const cyclePolicy = (): CyclePolicy => ({ settings: DEFAULT_STORE_SETTINGS, intervalMonths: 6, intervalKm: 10000, servicePlanId: 'plan-1', ...policy });
  // R6b: a booking that prepares its work order asks a deposit when the simulated parts to order are expensive.
  const depositOf = (preparation: Preparation | undefined) => {
    const deposit = preparation?.partsDepositFromCny === undefined ? undefined : partsDeposit(partsToOrder, { partsDepositFromCny: preparation.partsDepositFromCny });
    return deposit ? { deposit } : {};
  };
  const activities: Activities = {
    registerVehicle: async (...a) => (record('registerVehicle', a), null),
    loadCyclePolicy: async (...a) => (calls.push({ name: 'loadCyclePolicy', args: a }), cyclePolicy()),
    scheduleCycle: async (...a) => (record('scheduleCycle', a), null),
    // Recorded as the three steps it stands for, so timelines read the same whichever way a run opened its cycle.
    openCycle: async (ctx, input, register) => {
      if (register) record('registerVehicle', [ctx, input]);
      calls.push({ name: 'loadCyclePolicy', args: [input.vehicle.storeId, input.vehicle.model] });
      const p = cyclePolicy();
      const due = cycleDueDate({
        ...input.history,
        deliveryDate: input.vehicle.deliveryDate,
        mileageKm: input.vehicle.mileageKm,
        mileageRecordedOn: input.vehicle.mileageRecordedOn,
        intervalMonths: p.intervalMonths,
        intervalKm: p.intervalKm,
        newCarDailyKm: p.settings.newCarDailyKm,
        firstServiceWithinMonths: p.settings.firstServiceWithinMonths,
      });
      record('scheduleCycle', [ctx, { ...due, policy: p }]);
      return { policy: p, due };
    },
    openTask: async (...a) => (record('openTask', a), null),
    queueCustomerMessage: async (...a) => (record('queueCustomerMessage', a), null),
    // A booking step given a preparation (R6) also makes the work order.
    recordCallOutcome: async (...a) => (record('recordCallOutcome', a), a[1].input.outcome === 'BOOKED' ? { bookingId: 'booking-1', ...(a[1].preparation ? { repairOrderId: 'ro-1', ...depositOf(a[1].preparation) } : {}) } : { bookingId: null }),
    bookInbound: async (...a) => (record('bookInbound', a), { bookingId: 'booking-inbound', ...(a[1].preparation ? { repairOrderId: 'ro-1', ...depositOf(a[1].preparation) } : {}) }),
    recordPartsDeposit: async (...a) => (record('recordPartsDeposit', a), null),
    closeCycleWithoutService: async (...a) => (record('closeCycleWithoutService', a), null),
    prepareWorkOrder: async (...a) => (record('prepareWorkOrder', a), { repairOrderId: 'ro-1' }),
    completePreparation: async (...a) => (record('completePreparation', a), null),
    confirmBooking: async (...a) => (record('confirmBooking', a), null),
    rescheduleBooking: async (...a) => (record('rescheduleBooking', a), null),
    cancelBooking: async (...a) => (record('cancelBooking', a), null),
    assignStaff: async (...a) => (record('assignStaff', a), null),
    markNoShow: async (...a) => (record('markNoShow', a), null),
    receiveWalkIn: async (...a) => (record('receiveWalkIn', a), { bookingId: 'booking-walk-in', repairOrderId: 'ro-walk-in' }),
    closeLifecycle: async (...a) => (record('closeLifecycle', a), null),
    reopenConfirmation: async (...a) => (record('reopenConfirmation', a), null),
    recordSettingsApplied: async (...a) => (record('recordSettingsApplied', a), null),
    checkIn: async (...a) => (record('checkIn', a), null),
    recordProgressCheck: async (...a) => (record('recordProgressCheck', a), null),
    reportAdditionalWork: async (...a) => (record('reportAdditionalWork', a), null),
    decideAdditionalWork: async (...a) => (record('decideAdditionalWork', a), null),
    recordSalesCall: async (...a) => (record('recordSalesCall', a), null),
    loadStoreSettings: async (...a) => (calls.push({ name: 'loadStoreSettings', args: a }), policy.settings ?? DEFAULT_STORE_SETTINGS),
    openFailureTicket: async (...a) => (record('openFailureTicket', a), null),
    pageEscalationLevel: async (...a) => (record('pageEscalationLevel', a), null),
    recordLateAnswer: async (...a) => (record('recordLateAnswer', a), null),
    answerFailureTicket: async (...a) => (record('answerFailureTicket', a), null),
    deliverVehicle: async (...a) => (record('deliverVehicle', a), { underpaid: false }),
    recordFollowUp: async (...a) => (record('recordFollowUp', a), null),
    recordCareCall: async (...a) => (record('recordCareCall', a), null),
  };
  return { activities, calls };
}

// One vehicle's after-sales life: one service cycle per run, continued as new for the next cycle.
import * as wf from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities';
import type { StepContext } from '../activities/stepContext';
import { HOUR_MS, localDate } from '../domain/calendar';
import { confirmationCallWindow, followUpCallWindow, reminderAt, reminderCallWindow } from '../domain/contactSchedule';
import { averageDailyKm, nextDueDate } from '../domain/dueDate';
import { pickupNoticeAt } from '../domain/pickupNotice';
import { progressCheckAt } from '../domain/progressCheck';
import {
  checkIn,
  completePreparation,
  confirmBooking,
  deliver,
  getState,
  LifecycleState,
  recordCallOutcome,
  recordFollowUp,
  recordProgressCheck,
  SA_ADVISOR,
  SA_NEXT_DEADLINE,
  SA_PLATE,
  SA_STAGE,
  SA_STORE,
  SA_VIN,
  Stage,
  VehicleLifecycleInput,
  Waiting,
} from './definitions';
import { countInFlight, HumanSteps } from './humanSteps';
import { validateCallOutcome, validateCheckIn, validateDelivery, validateFollowUp, validateProgressCheck } from './stepValidation';

const { activities: acts, idle } = countInFlight(wf.proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '1 minute',
  // Unlimited attempts: a database outage must delay a reminder, never drop it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['UnknownStore', 'UnknownBay'] },
}));

const iso = (ms: number) => new Date(ms).toISOString();

export async function vehicleLifecycle(input: VehicleLifecycleInput): Promise<void> {
  const { vehicle, customer, history } = input;
  const info = wf.workflowInfo();
  const state: LifecycleState = {
    vin: vehicle.vin,
    plate: vehicle.plate,
    storeId: vehicle.storeId,
    advisorId: vehicle.advisorId,
    cycle: history.cycle,
    stage: 'REGISTERING',
    waitingFor: [],
  };
  const timers = new Map<string, Waiting>();
  const snapshot = (): LifecycleState => ({ ...state, waitingFor: [...timers.values(), ...steps.waiting()] });
  const steps = new HumanSteps(snapshot, publish, idle);
  const ctx = (): StepContext => ({ workflowId: info.workflowId, runId: info.runId, vin: vehicle.vin, cycle: history.cycle, at: iso(Date.now()) });

  let lastPublished = '';
  /** Keeps the search attributes managers filter on in step with the state, without an event per no-op. */
  function publish(): void {
    const waits = snapshot().waitingFor;
    const next = waits.map((w) => w.by).sort()[0];
    const key = `${state.stage}|${next ?? ''}`;
    if (key === lastPublished) return;
    lastPublished = key;
    wf.upsertSearchAttributes([
      { key: SA_STAGE, value: state.stage },
      { key: SA_NEXT_DEADLINE, value: next ? new Date(next) : null },
    ]);
  }
  function enter(stage: Stage): void {
    state.stage = stage;
    publish();
  }
  /** Sleeps until an instant; returns false when `interrupt` became true first. */
  async function sleepUntil(stage: Stage, waiting: Waiting, interrupt?: () => boolean): Promise<boolean> {
    const name = `${waiting.rule}:${waiting.what}`;
    timers.set(name, waiting);
    enter(stage);
    try {
      const remaining = Date.parse(waiting.by) - Date.now();
      if (remaining <= 0) return true;
      if (!interrupt) {
        await wf.sleep(remaining);
        return true;
      }
      return !(await wf.condition(interrupt, remaining));
    } finally {
      timers.delete(name);
      publish();
    }
  }

  wf.setHandler(getState, snapshot);
  steps.accept(recordCallOutcome, validateCallOutcome);
  steps.accept(completePreparation);
  steps.accept(confirmBooking);
  steps.accept(checkIn, validateCheckIn);
  steps.accept(recordProgressCheck, validateProgressCheck);
  steps.accept(deliver, validateDelivery);
  steps.accept(recordFollowUp, validateFollowUp);
  wf.upsertSearchAttributes([
    { key: SA_VIN, value: vehicle.vin },
    { key: SA_PLATE, value: vehicle.plate },
    { key: SA_STORE, value: vehicle.storeId },
    ...(vehicle.advisorId ? [{ key: SA_ADVISOR, value: vehicle.advisorId }] : []),
  ]);

  if (history.cycle === 1) await acts.registerVehicle(ctx(), input);
  const policy = await acts.loadCyclePolicy(vehicle.storeId, vehicle.model);
  const s = policy.settings;
  const firstService = history.lastServiceDate === undefined;

  // R1 / R1b
  const avgDailyKm = averageDailyKm(vehicle.deliveryDate, vehicle.mileageKm, vehicle.mileageRecordedOn, s.newCarDailyKm);
  const due = nextDueDate({ ...vehicle, ...history, avgDailyKm, intervalMonths: policy.intervalMonths, intervalKm: policy.intervalKm, firstServiceWithinMonths: s.firstServiceWithinMonths });
  state.dueDate = due.dueDate;
  state.dueReason = due.reason;
  await acts.scheduleCycle(ctx(), { ...due, avgDailyKm, policy });

  // R2
  await sleepUntil('WAITING_FOR_REMINDER', { what: 'maintenance reminder (SMS/e-mail)', rule: 'R2', by: iso(reminderAt(due.dueDate, s)) });
  await acts.queueCustomerMessage(ctx(), { template: 'maintenance-reminder', rule: 'R2', customer, payload: { plate: vehicle.plate, dueDate: due.dueDate } });

  // R3 → R5
  const call = reminderCallWindow(due.dueDate, s);
  await sleepUntil('WAITING_FOR_REMINDER_CALL', { what: 'reminder call task', rule: 'R3', by: iso(call.at) });
  await acts.openTask(ctx(), { kind: 'REMINDER_CALL', rule: 'R3', dueAt: iso(call.by), assigneeRole: 'CUSTOMER_RELATIONS' });
  enter('AWAITING_CALL_OUTCOME');
  const booked = (await steps.perform(recordCallOutcome, { what: 'reminder call outcome', rule: 'R3', by: iso(call.by) }, (i) =>
    acts.recordCallOutcome(ctx(), i, vehicle.storeId),
  ))!;
  const bookedFor = Date.parse(booked.input.bookedFor);
  const { bookingId } = booked.result;
  state.bookedFor = booked.input.bookedFor;
  enter('AWAITING_PREPARATION');

  // R6
  const { repairOrderId } = await acts.prepareWorkOrder(ctx(), bookingId, policy.servicePlanId);
  const confirmation = confirmationCallWindow(bookedFor, s);
  await acts.openTask(ctx(), { kind: 'PREPARATION', rule: 'R6', dueAt: iso(confirmation.at), assigneeRole: 'TECHNICAL_DIRECTOR' });
  await steps.perform(completePreparation, { what: 'preparation complete (technical director)', rule: 'R6', by: iso(confirmation.at) }, (i) =>
    acts.completePreparation(ctx(), i, bookingId, repairOrderId),
  );

  // R7
  await sleepUntil('WAITING_FOR_CONFIRMATION_CALL', { what: 'confirmation call task', rule: 'R7', by: iso(confirmation.at) });
  await acts.openTask(ctx(), { kind: 'CONFIRMATION_CALL', rule: 'R7', dueAt: iso(confirmation.by), assigneeRole: 'SERVICE_ADVISOR' });
  enter('AWAITING_CONFIRMATION');
  await steps.perform(confirmBooking, { what: 'confirmation call outcome', rule: 'R7', by: iso(confirmation.by) }, (i) =>
    acts.confirmBooking(ctx(), i, bookingId),
  );
  enter('AWAITING_CHECK_IN');

  // R12
  const reception = (await steps.perform(checkIn, { what: 'vehicle check-in at reception', rule: 'R12', by: iso(bookedFor) }, (i) =>
    acts.checkIn(ctx(), i, bookingId, repairOrderId),
  ))!;
  const checkedInAt = Date.now();
  const mileageKm = reception.input.mileageKm;
  let promisedReadyAt = Date.parse(reception.input.promisedReadyAt);
  state.checkedInAt = iso(checkedInAt);
  state.promisedReadyAt = reception.input.promisedReadyAt;
  enter('IN_SERVICE');

  // R14, R15 and R16 run side by side: the customer may collect before a check or notice is due.
  let delivered = false;
  const statusCheck = (async () => {
    const reached = await sleepUntil('IN_SERVICE', { what: '80% status check task', rule: 'R14', by: iso(progressCheckAt(checkedInAt, promisedReadyAt, s)) }, () => delivered);
    if (!reached) return;
    await acts.openTask(ctx(), { kind: 'PROGRESS_CHECK', rule: 'R14', dueAt: iso(promisedReadyAt), assigneeRole: 'SERVICE_ADVISOR' });
    const answer = await steps.perform(recordProgressCheck, { what: 'workshop answer to the 80% check', rule: 'R14', by: iso(promisedReadyAt) }, (i) =>
      acts.recordProgressCheck(ctx(), i, repairOrderId), () => delivered,
    );
    if (answer?.input.newPromisedReadyAt) {
      promisedReadyAt = Date.parse(answer.input.newPromisedReadyAt);
      state.promisedReadyAt = answer.input.newPromisedReadyAt;
    }
  })();
  const pickupNotice = (async () => {
    for (;;) {
      const planned = promisedReadyAt;
      const reached = await sleepUntil('IN_SERVICE', { what: 'pickup notice to the customer', rule: 'R15', by: iso(pickupNoticeAt(checkedInAt, planned, s)) }, () => delivered || promisedReadyAt !== planned);
      if (delivered) return;
      if (reached) break;
    }
    await acts.queueCustomerMessage(ctx(), { template: 'pickup-notice', rule: 'R15', customer, payload: { plate: vehicle.plate, readyAt: iso(promisedReadyAt) } });
  })();
  await steps.perform(deliver, { what: 'delivery and settlement', rule: 'R16', by: iso(promisedReadyAt + HOUR_MS) }, (i) =>
    acts.deliverVehicle(ctx(), i, repairOrderId, { serviceDate: localDate(Date.now(), s.utcOffsetMinutes), mileageKm }),
  );
  delivered = true;
  state.deliveredAt = iso(Date.now());
  enter('WAITING_FOR_FOLLOW_UP');
  await Promise.all([statusCheck, pickupNotice]);
  const deliveredAt = Date.parse(state.deliveredAt);
  const serviceDate = localDate(deliveredAt, s.utcOffsetMinutes);

  // R17
  const followUp = followUpCallWindow(deliveredAt, firstService, s);
  await sleepUntil('WAITING_FOR_FOLLOW_UP', { what: 'follow-up call task', rule: 'R17', by: iso(followUp.at) });
  await acts.openTask(ctx(), { kind: 'FOLLOW_UP_CALL', rule: 'R17', dueAt: iso(followUp.by), assigneeRole: 'CUSTOMER_RELATIONS' });
  enter('AWAITING_FOLLOW_UP');
  await steps.perform(recordFollowUp, { what: 'follow-up call with CSI scores', rule: 'R17', by: iso(followUp.by) }, (i) =>
    acts.recordFollowUp(ctx(), i),
  );
  enter('CYCLE_COMPLETE');

  // The next cycle starts from this service (R1); history stays small however long the car lives.
  await wf.condition(wf.allHandlersFinished);
  await wf.continueAsNew<typeof vehicleLifecycle>({
    ...input,
    vehicle: { ...vehicle, mileageKm, mileageRecordedOn: serviceDate },
    history: { cycle: history.cycle + 1, lastServiceDate: serviceDate, lastServiceKm: mileageKm },
  });
}

// Every documented example scenario runs and reproduces the branch it documents.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addDays, addMonths, localDate } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';
import { isOpenCall } from '../../scenarios/advance';
import { runScenario, VehicleOutcome } from '../../scenarios/runScenario';
import { scenarioSchema } from '../../scenarios/scenario';

let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

async function run(file: string): Promise<VehicleOutcome[]> {
  const scenario = scenarioSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../scenarios/examples', file), 'utf8')));
  return runScenario(env, scenario);
}

const events = (v: VehicleOutcome) => v.timeline.map((e) => `${e.rule ?? '-'} ${e.event}`);
const rejected = (v: VehicleOutcome) => v.timeline.filter((e) => (e.detail as { accepted?: boolean } | undefined)?.accepted === false);

test('R4 R7 R8 R18: undecided → second call; parts late → reschedule; attitude 6 → D ticket, late SA, supervisor answers', async () => {
  const [car] = await run('undecided-late-parts-unhappy.json');
  expect(rejected(car)).toEqual([]);
  expect(events(car)).toEqual(
    expect.arrayContaining(['R4 task:REMINDER_CALL', 'R7 rescheduleBooking', 'R11 message:appointment-reminder', 'R15 message:pickup-notice', 'R18 openFailureTicket', 'R18 recordLateAnswer', 'R18 answerFailureTicket']),
  );
  expect(car.failureTicket).toMatchObject({ grade: 'D', level: 1, answered: true });
  expect(car.finalState).toMatchObject({ stage: 'WAITING_FOR_REMINDER', cycle: 3 });
});

test('R3 R4 R5: declined closes the cycle without a second call; unreachable twice, then an online booking', async () => {
  const [declined, unreachable] = await run('declined-and-unreachable.json');
  expect(events(declined).filter((e) => e.endsWith('task:REMINDER_CALL'))).toHaveLength(1);
  expect(events(declined)).toContain('R3 closeCycleWithoutService');
  expect(declined.finalState.cycle).toBe(3);
  expect(events(unreachable).filter((e) => e.endsWith('task:REMINDER_CALL'))).toHaveLength(2);
  expect(events(unreachable)).toContain('R5 bookInbound');
  expect(unreachable.finalState.stage).toBe('AWAITING_PREPARATION');
});

test('R1b R10 R13 R14 R15 R17 R19: first service with additional work, a delay and the sales consultant\'s call', async () => {
  const [car] = await run('workshop-and-first-service.json');
  expect(rejected(car)).toEqual([]);
  expect(events(car)).toEqual(
    expect.arrayContaining(['R1 scheduleCycle', 'R10 message:appointment-staff', 'R13 decideAdditionalWork', 'R15 message:late-notice', 'R19 task:SATISFACTION_CALL', 'R19 recordSalesCall']),
  );
  expect(car.timeline.find((e) => e.event === 'scheduleCycle')!.detail).toMatchObject({ reason: 'first-service' });
  expect(car.finalState.cycle).toBe(2);
});

test('R9 R11: cancellation closes the cycle; a customer who never comes is a no-show and the cycle closes later', async () => {
  const [cancelled, noShow] = await run('cancel-and-no-show.json');
  expect(events(cancelled)).toEqual(expect.arrayContaining(['R9 cancelBooking', 'R3 closeCycleWithoutService']));
  expect(events(noShow)).toEqual(expect.arrayContaining(['R11 markNoShow', 'R3 closeCycleWithoutService']));
  expect(noShow.finalState.cycle).toBe(3);
});

test('R20 R21 R22: a new car\'s care calls and reminders come due in order beside its lifecycle, and each call\'s outcome is recorded', async () => {
  const [car] = await run('new-car-care.json');
  expect(rejected(car)).toEqual([]);
  const delivered = (car.timeline.find((e) => e.event === 'registerVehicle')!.detail as { vehicle: { deliveryDate: string } }).vehicle.deliveryDate;
  // Holiday greetings (R21) fall where the run's calendar puts them: the expected timeline leaves them out.
  const care = car.timeline.filter((e) => ['R20', 'R21', 'R22'].includes(e.rule ?? '') && e.event !== 'message:holiday-greeting');
  const day = (at: string) => localDate(Date.parse(at), DEFAULT_STORE_SETTINGS.utcOffsetMinutes);
  expect(care.map((e) => `${e.rule} ${e.event} ${day(e.at)}`)).toEqual([
    `R20 task:NEW_CAR_7DC_CALL ${addDays(delivered, 7)}`,
    `R20 update:recordCareCall ${addDays(delivered, 7)}`,
    `R20 recordCareCall ${addDays(delivered, 7)}`,
    `R21 message:insurance-renewal-reminder ${addDays(delivered, 20 - 7)}`,
    `R20 task:MONTHLY_CALLBACK_CALL ${addMonths(delivered, 1)}`,
    `R20 update:recordCareCall ${addMonths(delivered, 1)}`,
    `R20 recordCareCall ${addMonths(delivered, 1)}`,
    `R22 task:USAGE_FOLLOW_UP_CALL ${addDays(delivered, 45)}`,
    `R22 update:recordCareCall ${addDays(delivered, 45)}`,
    `R22 recordCareCall ${addDays(delivered, 45)}`,
    `R21 message:inspection-reminder ${addDays(delivered, 60 - 7)}`,
    `R22 task:FIRST_SERVICE_CONFIRMATION_CALL ${addDays(addMonths(delivered, 3), -7)}`,
    `R22 update:recordCareCall ${addDays(addMonths(delivered, 3), -7)}`,
    `R22 recordCareCall ${addDays(addMonths(delivered, 3), -7)}`,
  ]);
  // The lifecycle ran beside care: its first-service reminder call (R1b, R3) booked the car.
  expect(events(car)).toEqual(expect.arrayContaining(['R2 message:maintenance-reminder', 'R3 task:REMINDER_CALL', 'R3 recordCallOutcome']));
  expect(car.finalState.stage).toBe('AWAITING_PREPARATION');
  // Every call answered: care waits only for its next contact.
  expect(car.care!.waitingFor.filter(isOpenCall)).toEqual([]);
});

// A rehearsal that cannot reach a stage or a care contact says so within a bounded simulated time — which
// step, what it expected, what the workflow waits for instead, how long it let time run — rather than
// waiting until the test's own time limit.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';
import { RehearsalStuck, StuckReport } from '../../scenarios/advance';
import { runScenario } from '../../scenarios/runScenario';
import { scenarioSchema } from '../../scenarios/scenario';

const DAY = 24 * 3_600_000;
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

/** The report of a rehearsal that must get stuck, and how much real time it took to say so. */
async function stuck(scenario: unknown): Promise<{ report: StuckReport; message: string; realMs: number }> {
  const started = Date.now();
  const err = await runScenario(env, scenarioSchema.parse(scenario)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RehearsalStuck);
  return { report: (err as RehearsalStuck).report, message: (err as RehearsalStuck).message, realMs: Date.now() - started };
}

test('a lifecycle stage the script never brings about is reported at its step’s bound, with what the vehicle waits for', async () => {
  // Serviced a month ago: the next reminder is months away, so the car cannot be in service within 30 days.
  const { report, message, realMs } = await stuck({
    name: 'unreachable stage',
    vehicles: [{ vin: 'LSVB0UNDED0000001', deliveredMonthsAgo: 13, lastServiceMonthsAgo: 1, script: [{ at: 'IN_SERVICE', within: '30d', send: 'deliver', input: { amountDueCny: 1, amountPaidCny: 1 } }] }],
  });
  expect(report).toMatchObject({ vin: 'LSVB0UNDED0000001', step: 'step 1 (deliver)', expected: 'stage IN_SERVICE', stage: 'WAITING_FOR_REMINDER', why: 'bound', withinMs: 30 * DAY });
  expect(report.simulatedMs).toBeGreaterThanOrEqual(30 * DAY);
  expect(report.simulatedMs).toBeLessThan(30 * DAY + 60_000);
  expect(report.waitingFor).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'R2' })]));
  expect(message).toMatch(/step 1 \(deliver\): expected stage IN_SERVICE, not reached within 30d 0h of simulated time; after 30d 0h it is at WAITING_FOR_REMINDER, waiting for: /);
  expect(realMs).toBeLessThan(60_000);
}, 90_000);

test('a care contact that never comes due is reported at the scenario’s default bound, with care’s next contacts', async () => {
  // No birthday on file: no greeting ever goes, whatever the bound.
  const { report, message } = await stuck({
    name: 'unreachable care contact',
    within: '45d',
    vehicles: [{ vin: 'LSVB0UNDED0000002', deliveredMonthsAgo: 0, care: { newCar: true }, script: [{ care: 'NEW_CAR_7DC', outcome: '满意 / satisfied' }, { care: 'BIRTHDAY_GREETING' }] }],
  });
  expect(report).toMatchObject({ step: 'step 2 (BIRTHDAY_GREETING)', expected: 'care message BIRTHDAY_GREETING', stage: 'care', why: 'bound', withinMs: 45 * DAY });
  expect(report.simulatedMs).toBeGreaterThanOrEqual(45 * DAY);
  expect(report.simulatedMs).toBeLessThan(45 * DAY + 60_000);
  // By then the one-month callback is owed and nobody in the script answers it.
  expect(report.waitingFor.map((w) => w.what)).toContain('one-month callback after delivery: outcome');
  expect(message).toContain('expected care message BIRTHDAY_GREETING');
}, 90_000);

test('a vehicle left waiting for a person is reported at once, before the bound', async () => {
  const { report } = await stuck({
    name: 'nobody calls',
    vehicles: [{ vin: 'LSVB0UNDED0000003', deliveredMonthsAgo: 17, lastServiceMonthsAgo: 5, script: [{ at: 'AWAITING_CONFIRMATION', send: 'confirmBooking' }] }],
  });
  expect(report).toMatchObject({ step: 'step 1 (confirmBooking)', expected: 'stage AWAITING_CONFIRMATION', stage: 'AWAITING_CALL_OUTCOME', why: 'person' });
  expect(report.simulatedMs).toBeLessThan(400 * DAY);
}, 90_000);

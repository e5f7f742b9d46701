// R20, R21, R22 on the time-skipping server: the care workflow's contacts at their simulated times.
import { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { updateRejection } from '../../api/workflowErrors';
import { addDays, addMonths } from '../../domain/calendar';
import { inManagementSample } from '../../domain/careSchedule';
import { DEFAULT_STORE_SETTINGS, StoreSettings } from '../../domain/storeSettings';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { RecordedCall, recordingActivities } from '../../scenarios/simulatedActivities';
import { careWorkflowId, CustomerCareInput, getCare, recordCareCall } from '../../workflows/care/contract';
import { LIFECYCLE_TASK_QUEUE } from '../../workflows/lifecycle/contract';
import { localDay, recordHistoryIfAsked, toMinute } from '../support/lifecycleHarness';

// A server per test: a long-lived workflow left from one test can stop the next test's time skipping.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

type Handle = WorkflowHandleWithFirstExecutionRunId;

/** 09:00 at the store (+08:00) on a day. */
const nineAm = (day: string) => `${day}T01:00:00.000Z`;
/** 18:00 at the store (+08:00) on a day. */
const sixPm = (day: string) => `${day}T10:00:00.000Z`;

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

/** Lets simulated time run to one minute past `iso`; the contact due then is made while time stands still. */
async function skipTo(iso: string): Promise<void> {
  await env.sleep(Date.parse(iso) + 60_000 - (await env.currentTimeMs()));
}

function recorded(calls: RecordedCall[], name: RecordedCall['name']): Array<Record<string, unknown> & { at?: string; cycle?: number }> {
  return calls.filter((c) => c.name === name).map((c) => ({ ...(c.args[0] as Record<string, unknown>), at: toMinute(c.at), cycle: c.cycle }));
}

async function waitingFor(handle: Handle) {
  return (await handle.query(getCare)).waitingFor;
}

/** A store that greets no holidays and samples no cars for management, for tests about other contacts. */
const WITHOUT_HOLIDAYS_OR_SAMPLING: StoreSettings = { ...DEFAULT_STORE_SETTINGS, holidayGreetings: '', managementCallbackSampleEvery: 0 };

/**
 * Runs `body` against a fresh care workflow whose activities record their calls; `today` is the store's
 * date at start on the test server's clock (workflow time), and settings that name a day derive it from
 * that same `today`, never from the test process's own clock.
 */
async function withCare(
  vin: string,
  input: (today: string) => Partial<CustomerCareInput>,
  body: (handle: Handle, calls: RecordedCall[], today: string) => Promise<void>,
  settings: StoreSettings | ((today: string) => StoreSettings) = WITHOUT_HOLIDAYS_OR_SAMPLING,
): Promise<void> {
  const today = localDay(await env.currentTimeMs());
  const { activities, calls } = recordingActivities({ settings: typeof settings === 'function' ? settings(today) : settings });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('customerCare', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: careWorkflowId(vin),
      args: [{ vin, storeId: 'store-nt', plate: '苏F12345', deliveryDate: today, newCar: false, customer: { name: '王先生', phone: '13800000000' }, ...input(today) }],
    });
    try {
      await until(async () => ((await waitingFor(handle)).length ? true : undefined));
      await body(handle, calls, today);
      await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, `care-${vin}`);
    } finally {
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
    }
  });
}

test('R20: the 7DC survey call task opens on day 7 after delivery for customer relations; its outcome closes it', async () => {
  await withCare('LSVCARE7DC0000001', () => ({ newCar: true }), async (handle, calls, today) => {
    const year = Number(addDays(today, 7).slice(0, 4));
    expect((await waitingFor(handle))[0]).toMatchObject({ contact: 'NEW_CAR_7DC', rule: 'R20', by: nineAm(addDays(today, 7)) });

    await skipTo(nineAm(addDays(today, 7)));
    const [task] = await until(async () => (recorded(calls, 'openTask').length ? recorded(calls, 'openTask') : undefined));
    expect(task).toEqual({ kind: 'NEW_CAR_7DC_CALL', rule: 'R20', assigneeRole: 'CUSTOMER_RELATIONS', dueAt: sixPm(addDays(today, 9)), at: toMinute(nineAm(addDays(today, 7))), cycle: year });
    expect((await waitingFor(handle)).map((w) => [w.contact, w.by])).toEqual([
      ['NEW_CAR_7DC', sixPm(addDays(today, 9))],
      ['MONTHLY_CALLBACK', nineAm(addMonths(today, 1))],
    ]);

    const answeredAt = toMinute(new Date(await env.currentTimeMs()).toISOString());
    const after = await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: '满意，9分' }] });
    expect(after.waitingFor.map((w) => w.contact)).toEqual(['MONTHLY_CALLBACK']);
    expect(recorded(calls, 'recordCareCall')).toEqual([
      { contact: 'NEW_CAR_7DC', kind: 'NEW_CAR_7DC_CALL', rule: 'R20', actor: 'cr-zhao', outcome: '满意，9分', at: answeredAt, cycle: year },
    ]);
  });
});

test('R20: a car sold through a secondary dealer gets the 7DC call on day 10', async () => {
  await withCare('LSVCARE7DC2NDDLR1', () => ({ newCar: true, secondaryDealer: true }), async (handle, calls, today) => {
    await skipTo(nineAm(addDays(today, 7)));
    expect(recorded(calls, 'openTask')).toEqual([]);
    await skipTo(nineAm(addDays(today, 10)));
    const [task] = await until(async () => (recorded(calls, 'openTask').length ? recorded(calls, 'openTask') : undefined));
    expect(task).toMatchObject({ kind: 'NEW_CAR_7DC_CALL', dueAt: sixPm(addDays(today, 12)), at: toMinute(nineAm(addDays(today, 10))) });
    expect((await waitingFor(handle))[0]).toMatchObject({ contact: 'NEW_CAR_7DC', by: sixPm(addDays(today, 12)) });
  });
});

test('R21: the birthday greeting goes out 5 days before the birthday, and again next year after the yearly continue-as-new', async () => {
  let birthday = '';
  await withCare(
    'LSVCAREBIRTHDAY01',
    (today) => {
      birthday = addDays(today, 20);
      return { customer: { name: '王先生', phone: '13800000000', email: 'wang@example.com', birthday: birthday.slice(5) } };
    },
    async (handle, calls) => {
      const nextBirthday = addMonths(birthday, 12);
      await skipTo(nineAm(addDays(birthday, -5)));
      await until(async () => (recorded(calls, 'queueCustomerMessage').length === 1 ? true : undefined));
      expect((await waitingFor(handle))[0]).toMatchObject({ contact: 'BIRTHDAY_GREETING', rule: 'R21', by: nineAm(addDays(nextBirthday, -5)) });

      await skipTo(nineAm(addDays(nextBirthday, -5)));
      const greetings = await until(async () => (recorded(calls, 'queueCustomerMessage').length === 2 ? recorded(calls, 'queueCustomerMessage') : undefined));
      expect(greetings.map(({ template, rule, payload, at, cycle }) => ({ template, rule, payload, at, cycle }))).toEqual([
        { template: 'birthday-greeting', rule: 'R21', payload: { name: '王先生', birthday }, at: toMinute(nineAm(addDays(birthday, -5))), cycle: Number(birthday.slice(0, 4)) },
        { template: 'birthday-greeting', rule: 'R21', payload: { name: '王先生', birthday: nextBirthday }, at: toMinute(nineAm(addDays(nextBirthday, -5))), cycle: Number(nextBirthday.slice(0, 4)) },
      ]);

      // A year after it began the run continued as new; the next run waits for the third birthday.
      const thirdBirthday = addMonths(birthday, 24);
      const third = await until(async () => {
        const next = (await waitingFor(handle))[0];
        return next?.by === nineAm(addDays(thirdBirthday, -5)) ? next : undefined;
      });
      expect(third.contact).toBe('BIRTHDAY_GREETING');
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      expect(calls.filter((c) => c.name === 'loadStoreSettings')).toHaveLength(2);
    },
  );
});

test('R21: the annual inspection and insurance renewal reminders go out one week before their dates, then wait for next year', async () => {
  let inspection = '';
  let renewal = '';
  await withCare(
    'LSVCAREREMINDER01',
    (today) => {
      inspection = addDays(today, 30);
      renewal = addDays(today, 40);
      return { inspectionDate: inspection, insuranceRenewalDate: renewal };
    },
    async (handle, calls) => {
      await skipTo(nineAm(addDays(renewal, -7)));
      const reminders = await until(async () => (recorded(calls, 'queueCustomerMessage').length === 2 ? recorded(calls, 'queueCustomerMessage') : undefined));
      expect(reminders.map(({ template, rule, payload, at }) => ({ template, rule, payload, at }))).toEqual([
        { template: 'inspection-reminder', rule: 'R21', payload: { plate: '苏F12345', inspectionDate: inspection }, at: toMinute(nineAm(addDays(inspection, -7))) },
        { template: 'insurance-renewal-reminder', rule: 'R21', payload: { plate: '苏F12345', renewalDate: renewal }, at: toMinute(nineAm(addDays(renewal, -7))) },
      ]);
      expect((await waitingFor(handle))[0]).toMatchObject({ contact: 'INSPECTION_REMINDER', by: nineAm(addDays(addMonths(inspection, 12), -7)) });
    },
  );
});

test("R22: the sales consultant's usage follow-up at 45 days and confirmation call a week before the 3-month first-service deadline; care ends when all are answered, R20's one-year callback last", async () => {
  await withCare('LSVCAREFIRST3SVC1', () => ({ newCar: true, salesConsultantId: 'sales-zhou' }), async (handle, calls, today) => {
    const confirmationDay = addDays(addMonths(today, 3), -7);
    // The 7DC call and the monthly callback stay unanswered: they hold back none of the later contacts.
    await skipTo(nineAm(addDays(today, 45)));
    const opened = await until(async () => (recorded(calls, 'openTask').length === 3 ? recorded(calls, 'openTask') : undefined));
    expect(opened.map((t) => t.kind)).toEqual(['NEW_CAR_7DC_CALL', 'MONTHLY_CALLBACK_CALL', 'USAGE_FOLLOW_UP_CALL']);
    expect(opened[2]).toEqual({
      kind: 'USAGE_FOLLOW_UP_CALL',
      rule: 'R22',
      assigneeRole: 'SALES_CONSULTANT',
      dueAt: sixPm(addDays(today, 47)),
      at: toMinute(nineAm(addDays(today, 45))),
      cycle: Number(addDays(today, 47).slice(0, 4)),
    });
    expect((await waitingFor(handle)).find((w) => w.contact === 'USAGE_FOLLOW_UP')).toMatchObject({ rule: 'R22', who: 'sales-zhou', by: sixPm(addDays(today, 47)) });
    await handle.executeUpdate(recordCareCall, { args: [{ actor: 'sales-zhou', contact: 'USAGE_FOLLOW_UP', outcome: '每月约1500公里' }] });

    await skipTo(nineAm(confirmationDay));
    const all = await until(async () => (recorded(calls, 'openTask').length === 4 ? recorded(calls, 'openTask') : undefined));
    expect(all[3]).toMatchObject({ kind: 'FIRST_SERVICE_CONFIRMATION_CALL', rule: 'R22', assigneeRole: 'SALES_CONSULTANT', dueAt: sixPm(addDays(confirmationDay, 2)), at: toMinute(nineAm(confirmationDay)) });

    await handle.executeUpdate(recordCareCall, { args: [{ actor: 'sales-zhou', contact: 'FIRST_SERVICE_CONFIRMATION', outcome: '客户确认首保时间，已通知预约专员' }] });
    await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: '满意' }] });
    await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'MONTHLY_CALLBACK', outcome: '车辆使用正常' }] });

    await skipTo(nineAm(addMonths(today, 12)));
    await until(async () => (recorded(calls, 'openTask').length === 5 ? true : undefined));
    expect(recorded(calls, 'openTask')[4]).toMatchObject({ kind: 'YEARLY_CALLBACK_CALL', rule: 'R20', assigneeRole: 'CUSTOMER_RELATIONS', at: toMinute(nineAm(addMonths(today, 12))) });
    await until(async () => ((await waitingFor(handle)).some((w) => w.contact === 'YEARLY_CALLBACK' && w.what.endsWith('outcome')) ? true : undefined));
    await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'YEARLY_CALLBACK', outcome: '满意，已提醒续保' }] });
    await handle.result();
    expect(recorded(calls, 'recordCareCall').map((c) => c.kind)).toEqual([
      'USAGE_FOLLOW_UP_CALL',
      'FIRST_SERVICE_CONFIRMATION_CALL',
      'NEW_CAR_7DC_CALL',
      'MONTHLY_CALLBACK_CALL',
      'YEARLY_CALLBACK_CALL',
    ]);
  });
});

test('R20 / R22: a call outcome for a contact not due now is rejected with the reason and changes nothing', async () => {
  await withCare('LSVCAREREJECTED01', () => ({ newCar: true }), async (handle, calls, today) => {
    const early = await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: '满意' }] }).catch(updateRejection);
    expect(early).toEqual({ status: 409, reason: 'no NEW_CAR_7DC call is due now: care of LSVCAREREJECTED01 waits for 7DC new-car survey call: task' });

    await skipTo(nineAm(addDays(today, 7)));
    await until(async () => ((await waitingFor(handle)).some((w) => w.contact === 'NEW_CAR_7DC' && w.what.endsWith('outcome')) ? true : undefined));
    const wrongCall = await handle.executeUpdate(recordCareCall, { args: [{ actor: 'sales-zhou', contact: 'USAGE_FOLLOW_UP', outcome: '每月约1500公里' }] }).catch(updateRejection);
    expect(wrongCall).toMatchObject({ status: 409, reason: expect.stringMatching(/^no USAGE_FOLLOW_UP call is due now: .* waits for 7DC new-car survey call: outcome, /) });
    const noOutcome = await handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: ' ' }] }).catch(updateRejection);
    expect(noOutcome).toEqual({ status: 422, reason: 'outcome must say what the call achieved' });
    expect(recorded(calls, 'recordCareCall')).toEqual([]);
    expect((await waitingFor(handle))[0]).toMatchObject({ contact: 'NEW_CAR_7DC', by: sixPm(addDays(today, 9)) });
  });
});

test("R20: management's sampled callback a quarter after delivery goes to the general manager's office; R21: holiday greetings name the holiday", async () => {
  const vin = Array.from({ length: 100 }, (_, i) => `LSVCAREMGMT${String(i).padStart(6, '0')}`).find((v) => inManagementSample(v, 5))!;
  let inAWeek = '';
  await withCare(
    vin,
    (today) => {
      inAWeek = addDays(today, 7);
      return { newCar: true };
    },
    async (handle, calls, today) => {
      await skipTo(nineAm(addDays(inAWeek, -1)));
      const [greeting] = await until(async () => (recorded(calls, 'queueCustomerMessage').length === 1 ? recorded(calls, 'queueCustomerMessage') : undefined));
      expect(greeting).toMatchObject({ template: 'holiday-greeting', rule: 'R21', payload: { name: '王先生', holiday: '店庆', holidayDate: inAWeek }, at: toMinute(nineAm(addDays(inAWeek, -1))) });

      await skipTo(nineAm(addMonths(today, 3)));
      const management = await until(async () => recorded(calls, 'openTask').find((t) => t.kind === 'MANAGEMENT_CALLBACK_CALL'));
      expect(management).toMatchObject({ rule: 'R20', assigneeRole: 'GENERAL_MANAGER', at: toMinute(nineAm(addMonths(today, 3))), dueAt: sixPm(addDays(addMonths(today, 3), 2)) });
      const after = await handle.executeUpdate(recordCareCall, { args: [{ actor: 'gm-liu', contact: 'MANAGEMENT_CALLBACK', outcome: '抽样回访：满意' }] });
      expect(after.waitingFor.some((w) => w.contact === 'MANAGEMENT_CALLBACK')).toBe(false);
      expect(recorded(calls, 'recordCareCall')).toEqual([expect.objectContaining({ contact: 'MANAGEMENT_CALLBACK', kind: 'MANAGEMENT_CALLBACK_CALL', rule: 'R20', actor: 'gm-liu' })]);
    },
    (today) => ({ ...DEFAULT_STORE_SETTINGS, holidayGreetings: `${addDays(today, 7).slice(5)} 店庆`, managementCallbackSampleEvery: 5 }),
  );
});

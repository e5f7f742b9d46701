// Issue 14 beyond the lifecycle: a care call's outcome (R20/R22) and a service-failure ticket's answer (R18)
// are Updates whose handlers call their activity themselves. Data the database refuses there must come back
// to the person at once (422), be recorded as refused, and leave the call or the ticket open for corrected
// data — never an Update that retries for ever while every later try hears "already being recorded".
// The real activities run here (activities/care.ts, activities/failureTickets.ts over auditedStep) on a
// stand-in database that refuses text with a NUL in it as PostgreSQL does (SQLSTATE 22P05).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { careActivities } from '../../activities/care';
import type { Db } from '../../activities/database';
import { failureTicketActivities } from '../../activities/failureTickets';
import { updateRejection } from '../../api/workflowErrors';
import { addDays } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { recordingActivities } from '../../scenarios/simulatedActivities';
import { careWorkflowId, getCare, recordCareCall } from '../../workflows/care/contract';
import { answerFailureTicket, failureTicketWorkflowId, FailureTicketInput, getFailureTicket } from '../../workflows/failureTicket/contract';
import { LIFECYCLE_TASK_QUEUE } from '../../workflows/lifecycle/contract';
import { localDay } from '../support/lifecycleHarness';

// A server per test: a long-lived workflow left from one test can stop the next test's time skipping.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const NUL_REFUSED = 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]';

/** A NUL character in any text of a statement's arguments (the escape `\\u0000` written out is text PostgreSQL takes). */
const hasNul = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : value !== null && typeof value === 'object' && !(value instanceof Date) && Object.values(value).some(hasNul);

interface Write {
  model: string;
  op: string;
  args: Record<string, unknown>;
}

/**
 * A database that takes every write but refuses, as PostgreSQL does, a statement with a NUL in its text;
 * a transaction keeps its writes only when it commits. `committed` is what it holds.
 */
function nulRefusingDb(): { db: Db; committed: Write[] } {
  const committed: Write[] = [];
  const client = (writes: Write[]) =>
    new Proxy(
      {},
      {
        get: (_t, model) =>
          model === 'then'
            ? undefined
            : new Proxy(
                {},
                {
                  get: (_m, op) =>
                    op === 'then'
                      ? undefined
                      : async (args: Record<string, unknown> = {}) => {
                          if (hasNul(args)) {
                            throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05', severity: 'ERROR', detail: '\\u0000 cannot be converted to text.' });
                          }
                          writes.push({ model: String(model), op: String(op), args });
                          return String(op).startsWith('find') ? null : String(op).endsWith('Many') ? { count: 1 } : {};
                        },
                },
              ),
      },
    );
  const outside = client([]);
  const db = new Proxy(
    {},
    {
      get: (_t, prop) => {
        if (prop === '$transaction') {
          return async (work: (tx: unknown) => Promise<unknown>) => {
            const writes: Write[] = [];
            const result = await work(client(writes));
            committed.push(...writes);
            return result;
          };
        }
        return Reflect.get(outside, prop);
      },
    },
  );
  return { db: db as unknown as Db, committed };
}

interface Attempt {
  activity: string;
  attempt: number;
  /** How the attempt ended: done, or the failure it threw — final (no retry) or not. */
  outcome: 'done' | 'refused for good' | 'failed, to be retried';
}

/** A worker with the stand-in activities, except `real`, which run the product's code on the stand-in database. */
async function runWorker(real: (db: Db) => Record<string, unknown>, body: (attempts: Attempt[], committed: Write[]) => Promise<void>): Promise<void> {
  const { activities } = recordingActivities({ settings: { ...DEFAULT_STORE_SETTINGS, holidayGreetings: '', managementCallbackSampleEvery: 0 } });
  const { db, committed } = nulRefusingDb();
  const attempts: Attempt[] = [];
  const own = Object.fromEntries(
    Object.entries(real(db)).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        const attempt: Attempt = { activity: name, attempt: Context.current().info.attempt, outcome: 'done' };
        attempts.push(attempt);
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (err) {
          attempt.outcome = err instanceof ApplicationFailure && err.nonRetryable ? 'refused for good' : 'failed, to be retried';
          throw err;
        }
      },
    ]),
  );
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: { ...activities, ...own } });
  await worker.runUntil(() => body(attempts, committed));
}

/** The Update's answer, or its refusal — or `unanswered` when neither came within a few seconds (a step that retries for ever). */
async function answerOf(update: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise((resolve) => (timer = setTimeout(() => resolve('unanswered'), 8_000)));
  try {
    return await Promise.race([update.then((r) => ({ accepted: r }), (err) => updateRejection(err) ?? err), unanswered]);
  } finally {
    clearTimeout(timer);
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

const refusals = (committed: Write[]) =>
  committed.filter((w) => w.model === 'auditEvent' && w.op === 'createMany').flatMap((w) => (w.args.data as Array<{ action: string; data: unknown }>).filter((e) => e.action === 'step.refused'));
const refusalTasks = (committed: Write[]) => committed.filter((w) => w.model === 'task' && w.op === 'upsert').map((w) => w.args.create as { kind: string });
const refusalTasksDone = (committed: Write[]) => committed.filter((w) => w.model === 'task' && w.op === 'updateMany' && String((w.args.where as { idempotencyKey?: string }).idempotencyKey).includes(':refused:'));

test("a care call the database refuses is refused at once (422) and recorded as refused; the call stays open and the corrected outcome is recorded", async () => {
  await runWorker((db) => ({ recordCareCall: careActivities(db).recordCareCall }), async (attempts, committed) => {
    const vin = 'LSVCAREREFUSED001';
    const today = localDay(await env.currentTimeMs());
    const handle: WorkflowHandleWithFirstExecutionRunId = await env.client.workflow.start('customerCare', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: careWorkflowId(vin),
      args: [{ vin, storeId: 'store-nt', plate: '苏F12345', deliveryDate: today, newCar: true, customer: { name: '王先生', phone: '13800000000' } }],
    });
    try {
      // Day 7, 09:00 at the store: the 7DC call task opens (R20).
      await env.sleep(Date.parse(`${addDays(today, 7)}T01:00:00.000Z`) + 60_000 - (await env.currentTimeMs()));
      await eventually(async () => ((await handle.query(getCare)).waitingFor.some((w) => w.contact === 'NEW_CAR_7DC' && w.what.endsWith('outcome')) ? true : undefined));

      const refused = await answerOf(handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: '满意\u0000，9分' }] }));
      expect(refused).toEqual({ status: 422, reason: NUL_REFUSED });
      // Once, not retried: the activity knew its caller's data errors are final, and recorded the refusal.
      expect(attempts).toEqual([{ activity: 'recordCareCall', attempt: 1, outcome: 'refused for good' }]);
      expect(refusals(committed)).toEqual([expect.objectContaining({ actor: 'cr-zhao', rule: 'R20', data: expect.objectContaining({ step: 'care-call:NEW_CAR_7DC_CALL', reason: NUL_REFUSED, sqlState: '22P05' }) })]);
      expect(refusalTasks(committed)).toEqual([expect.objectContaining({ kind: 'REFUSED_STEP' })]);
      expect((await handle.query(getCare)).waitingFor.map((w) => w.contact)).toContain('NEW_CAR_7DC');

      // Not "already being recorded": the corrected outcome goes through and closes the refusal's task.
      const corrected = await answerOf(handle.executeUpdate(recordCareCall, { args: [{ actor: 'cr-zhao', contact: 'NEW_CAR_7DC', outcome: '满意，9分' }] }));
      expect(corrected).toMatchObject({ accepted: { vin } });
      expect((await handle.query(getCare)).waitingFor.map((w) => w.contact)).not.toContain('NEW_CAR_7DC');
      expect(committed.filter((w) => w.model === 'task' && w.op === 'update').map((w) => w.args.data)).toEqual([expect.objectContaining({ status: 'DONE', completedBy: 'cr-zhao', outcome: { outcome: '满意，9分' } })]);
      expect(refusalTasksDone(committed)).toHaveLength(1);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}, 60_000);

test("a ticket answer the database refuses is refused at once (422) and recorded as refused; the ticket stays open and takes the corrected answer", async () => {
  await runWorker((db) => ({ answerFailureTicket: failureTicketActivities(db).answerFailureTicket }), async (attempts, committed) => {
    const vin = 'LSVTICKETREFUSED1';
    const input: FailureTicketInput = { vin, storeId: 'store-nt', cycle: 3, grade: 'D', rule: 'R18', reason: 'CSI 6: 等待时间长', scores: { attitude: 6, quality: 8 }, openedBy: 'cr-zhao' };
    const handle = await env.client.workflow.start('serviceFailureTicket', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: failureTicketWorkflowId(vin, 3), args: [input] });
    try {
      await eventually(async () => ((await handle.query(getFailureTicket)).answerBy ? true : undefined));

      const refused = await answerOf(handle.executeUpdate(answerFailureTicket, { args: [{ actor: 'sa-li', answer: '已致电道歉\u0000' }] }));
      expect(refused).toEqual({ status: 422, reason: NUL_REFUSED });
      expect(attempts.filter((a) => a.activity === 'answerFailureTicket')).toEqual([{ activity: 'answerFailureTicket', attempt: 1, outcome: 'refused for good' }]);
      expect(refusals(committed)).toEqual([expect.objectContaining({ actor: 'sa-li', rule: 'R18', data: expect.objectContaining({ step: 'ticket-answer', reason: NUL_REFUSED }) })]);
      expect(refusalTasks(committed)).toEqual([expect.objectContaining({ kind: 'REFUSED_STEP' })]);
      expect(await handle.query(getFailureTicket)).toMatchObject({ answered: false });

      // Not "already answered": the corrected answer is taken, and the ticket stops escalating.
      const corrected = await answerOf(handle.executeUpdate(answerFailureTicket, { args: [{ actor: 'sa-li', answer: '已致电道歉并赠送保养券' }] }));
      expect(corrected).toMatchObject({ accepted: { answered: true } });
      expect(refusalTasksDone(committed)).toHaveLength(1);
      // Answered at the first level: no escalation, and the ticket's workflow is done.
      await handle.result();
      expect(await handle.query(getFailureTicket)).toMatchObject({ answered: true, level: 0 });
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}, 60_000);

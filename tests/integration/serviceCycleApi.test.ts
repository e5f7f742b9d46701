// One vehicle's whole service cycle driven over HTTP, on the real Temporal dev server and a real
// PostgreSQL: the database rows, the audit trail and the workflow history must all tell the same story.
import { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import { Db } from '../../activities/database';
import { lifecycleWorkflowId, LifecycleState, Stage } from '../../workflows/lifecycle/contract';
import { recordHistoryIfAsked } from '../support/lifecycleHarness';
import { addStaff, signIn } from '../support/staff';
import { ProductStack, startProductStack } from '../support/productStack';

const VIN = 'LFV2A21K8P4000123';
const STORE = 'store-it';
const HOUR = 3_600_000;

let stack: ProductStack;
let db: Db;
let client: Client;
let base: string;
/** Bearer tokens of the signed-in staff, by staff id: each step's actor is the person signed in. */
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startProductStack(async (seeded) => {
    db = seeded;
    // Contact hours around the clock and a same-day follow-up let a real-time test reach every step;
    // the real durations are covered on the time-skipping server.
    await db.store.create({
      data: { id: STORE, name: 'IT store', settings: { contactStartTime: '00:00', contactEndTime: '24:00', followUpDays: 0, firstServiceFollowUpDays: 0 } },
    });
    await db.servicePlan.create({ data: { id: 'plan-it', model: 'Sagitar', intervalMonths: 6, intervalKm: 7500, laborHours: 1.2, estimateCny: 720 } });
    await db.bay.create({ data: { id: 'bay-it-1', storeId: STORE, name: 'Bay 1', kind: 'GENERAL_REPAIR' } });
  });
  ({ client, base } = stack);
  const people = [
    { id: 'sa-it', role: 'SERVICE_ADVISOR' },
    { id: 'cr-it', role: 'CUSTOMER_RELATIONS' },
    { id: 'td-it', role: 'TECHNICAL_DIRECTOR' },
    { id: 'sm-it', role: 'SERVICE_MANAGER' },
    { id: 'sales-it', role: 'SALES_CONSULTANT' },
  ] as const;
  await addStaff(db, people.map((p) => ({ ...p, storeId: STORE })));
  for (const p of people) tokens.set(p.id, await signIn(base, p.id));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown, actor = 'sa-it'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(actor)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function waitForStage(stage: Stage): Promise<LifecycleState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { json } = await call('GET', `/api/vehicles/${VIN}`);
    if (json.state?.stage === stage) return json.state;
    if (Date.now() > deadline) throw new Error(`still at ${json.state?.stage}, expected ${stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const registration = {
  vin: VIN.toLowerCase(),
  plate: '苏F8K123',
  model: 'Sagitar',
  storeId: STORE,
  // Delivered 3 months ago, never serviced: the first service (R1b) is due now, so the reminder (R2)
  // and the call task (R3) are already owed and happen at once.
  deliveryDate: new Date(Date.now() - 92 * 24 * HOUR).toISOString().slice(0, 10),
  mileageKm: 4200,
  advisorId: 'sa-it',
  customer: { name: '刘女士', phone: '13900000001', email: 'liu@example.com' },
};

test('bad input is refused with a reason and starts nothing', async () => {
  const signedOut = await fetch(`${base}/api/vehicles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(signedOut.status).toBe(401);
  expect(((await signedOut.json()) as { error: string }).error).toMatch(/sign in/);

  const badVin = await call('POST', '/api/vehicles', { ...registration, vin: 'IOQ123' });
  expect(badVin.status).toBe(400);
  expect(badVin.json.error).toMatch(/^vin: VIN must be 17/);

  const unknownStore = await call('POST', '/api/vehicles', { ...registration, storeId: 'nowhere' });
  expect(unknownStore).toEqual({ status: 422, json: { error: 'unknown store nowhere' } });

  const notJson = await fetch(`${base}/api/vehicles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('sa-it')}` }, body: '{"vin":' });
  expect(notJson.status).toBe(400);

  expect((await call('GET', `/api/vehicles/${VIN}`)).status).toBe(404);
  expect(await db.vehicle.count()).toBe(0);
});

test('R1b R2 R3 R5 R6 R7 R10 R11 R12 R14 R15 R16 R17 R19: a whole cycle over HTTP on the real stack', async () => {
  const created = await call('POST', '/api/vehicles', registration);
  expect(created).toEqual({ status: 201, json: { vin: VIN, workflowId: lifecycleWorkflowId(VIN), careWorkflowId: `care-${VIN}`, created: true } });
  const again = await call('POST', '/api/vehicles', registration);
  expect(again).toEqual({ status: 200, json: { vin: VIN, workflowId: lifecycleWorkflowId(VIN), careWorkflowId: `care-${VIN}`, created: false } });

  const awaitingCall = await waitForStage('AWAITING_CALL_OUTCOME');
  expect(awaitingCall).toMatchObject({ cycle: 1, dueReason: 'first-service' });

  const listed = await call('GET', `/api/workflows?stage=AWAITING_CALL_OUTCOME&store=${STORE}`);
  expect(listed.json.workflows).toEqual([
    expect.objectContaining({ workflowId: lifecycleWorkflowId(VIN), vin: VIN, plate: '苏F8K123', store: STORE, advisor: 'sa-it', stage: 'AWAITING_CALL_OUTCOME' }),
  ]);

  const outOfTurn = await call('POST', `/api/vehicles/${VIN}/check-in`, { mileageKm: 4300, promisedReadyAt: new Date(Date.now() + HOUR).toISOString() });
  expect(outOfTurn.status).toBe(409);
  expect(outOfTurn.json.error).toMatch(/checkIn is not possible now.*AWAITING_CALL_OUTCOME/);

  // Booked a minute ahead: the confirmation call (2 days before) is already owed.
  const bookedFor = new Date(Date.now() + 60_000).toISOString();
  const booked = await call('POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor, mileageKm: 4250, requests: '顺便检查空调' }, 'cr-it');
  expect(booked.status).toBe(200);
  expect(booked.json).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });

  const unknownBay = await call('POST', `/api/vehicles/${VIN}/preparation-complete`, { bayId: 'bay-nope' }, 'td-it');
  expect(unknownBay).toEqual({ status: 422, json: { error: 'unknown bay bay-nope' } });
  const prepared = await call('POST', `/api/vehicles/${VIN}/preparation-complete`, { bayId: 'bay-it-1' }, 'td-it');
  expect(prepared.status).toBe(200);

  await waitForStage('AWAITING_CONFIRMATION');
  expect((await call('POST', `/api/vehicles/${VIN}/confirmation`, {})).json.stage).toBe('AWAITING_CHECK_IN');
  await waitForTask('STAFF_ASSIGNMENT');
  const assigned = await call('POST', `/api/vehicles/${VIN}/staff-assignment`, { advisorId: 'sa-it', advisorName: '李顾问', technicianId: 'tech-it', technicianName: '周师傅' }, 'sm-it');
  expect(assigned.status).toBe(200);

  // A 10-second job: the pickup notice (R15, 1 h before ready) is owed at once, the 80% check (R14) after 8 s.
  const promisedReadyAt = new Date(Date.now() + 10_000).toISOString();
  const checkedIn = await call('POST', `/api/vehicles/${VIN}/check-in`, { mileageKm: 4300, promisedReadyAt, fuelLevel: 'HALF' });
  expect(checkedIn.json.stage).toBe('IN_SERVICE');
  await waitForTask('PROGRESS_CHECK');
  expect((await call('POST', `/api/vehicles/${VIN}/progress-check`, { onTime: true })).status).toBe(200);

  const delivered = await call('POST', `/api/vehicles/${VIN}/delivery`, { amountDueCny: 720, amountPaidCny: 700 });
  expect(delivered.json.stage).toMatch(/FOLLOW_UP/);
  await waitForStage('AWAITING_FOLLOW_UP');
  const badScore = await call('POST', `/api/vehicles/${VIN}/follow-up`, { attitudeScore: 11, qualityScore: 9 }, 'cr-it');
  expect(badScore.status).toBe(400);
  const followedUp = await call('POST', `/api/vehicles/${VIN}/follow-up`, { attitudeScore: 10, qualityScore: 9, comment: '满意' }, 'cr-it');
  // A first-service customer who is not fully satisfied gets the sales consultant's call (R19).
  expect(followedUp.json.stage).toBe('AWAITING_SALES_CALL');
  const done = await call('POST', `/api/vehicles/${VIN}/sales-call`, { realReason: '等待时间长' }, 'sales-it');
  expect(done.json.stage).toBe('CYCLE_COMPLETE');

  // The next cycle (continue-as-new) is due 6 months after today's service (R1).
  const next = await waitForStage('WAITING_FOR_REMINDER');
  expect(next.cycle).toBe(2);
  const { json } = await call('GET', `/api/vehicles/${VIN}`);
  const v = json.vehicle;
  expect(v).toMatchObject({ cycle: 2, mileageKm: 4300, lastServiceKm: 4300, servicePlanId: 'plan-it', advisorId: 'sa-it' });
  expect(v.customer).toMatchObject({ name: '刘女士', phone: '13900000001' });
  expect(v.bookings).toEqual([
    expect.objectContaining({ status: 'ARRIVED', channel: 'REMINDER_CALL', bayId: 'bay-it-1', requests: '顺便检查空调', createdBy: 'cr-it', advisorId: 'sa-it', technicianId: 'tech-it' }),
  ]);
  expect(v.repairOrders).toEqual([expect.objectContaining({ status: 'DELIVERED', underpaid: true, settledCny: '700', estimateCny: '720', checkInMileageKm: 4300 })]);
  expect(v.surveys).toEqual([expect.objectContaining({ attitudeScore: 10, qualityScore: 9, recordedBy: 'cr-it' })]);
  const tasks = v.tasks.map((t: any) => [t.kind, t.status, t.completedBy]).sort();
  expect(tasks).toEqual([
    ['CONFIRMATION_CALL', 'DONE', 'sa-it'],
    ['FOLLOW_UP_CALL', 'DONE', 'cr-it'],
    ['PREPARATION', 'DONE', 'td-it'],
    ['PROGRESS_CHECK', 'DONE', 'sa-it'],
    ['REMINDER_CALL', 'DONE', 'cr-it'],
    ['SATISFACTION_CALL', 'DONE', 'sales-it'],
    ['STAFF_ASSIGNMENT', 'DONE', 'sm-it'],
  ]);
  const messages = await db.notification.findMany({ where: { vin: VIN }, orderBy: { createdAt: 'asc' } });
  expect(messages.map((m) => [m.rule, m.channel, m.recipient]).sort()).toEqual([
    ['R10', 'EMAIL', 'liu@example.com'],
    ['R10', 'SMS', '13900000001'],
    ['R11', 'EMAIL', 'liu@example.com'],
    ['R11', 'SMS', '13900000001'],
    ['R15', 'EMAIL', 'liu@example.com'],
    ['R15', 'SMS', '13900000001'],
    ['R17', 'EMAIL', 'liu@example.com'],
    ['R17', 'SMS', '13900000001'],
    ['R2', 'EMAIL', 'liu@example.com'],
    ['R2', 'SMS', '13900000001'],
  ]);

  // The audit trail: who did what, in order, from which workflow.
  const history = (await call('GET', `/api/vehicles/${VIN}/history`)).json.events;
  const trail = history.filter((e: any) => e.actor !== 'system').map((e: any) => [e.action, e.actor, e.rule]);
  expect(trail).toEqual([
    ['vehicle.registered', 'sa-it', null],
    ['booking.tentative', 'cr-it', 'R5'],
    ['preparation.completed', 'td-it', 'R6'],
    ['booking.confirmed', 'sa-it', 'R7'],
    ['booking.staff-assigned', 'sm-it', 'R10'],
    ['vehicle.checked-in', 'sa-it', 'R12'],
    ['progress.on-time', 'sa-it', 'R14'],
    ['vehicle.delivered', 'sa-it', 'R16'],
    ['follow-up.recorded', 'cr-it', 'R17'],
    ['satisfaction-call.recorded', 'sales-it', 'R19'],
  ]);
  expect(new Set(history.map((e: any) => e.workflowId))).toEqual(new Set([lifecycleWorkflowId(VIN)]));
  expect(history.find((e: any) => e.action === 'vehicle.delivered').data).toMatchObject({ underpaid: true, amountDueCny: 720, amountPaidCny: 700 });

  // Temporal's own history of cycle 1: every human step is an accepted Update; the run continued as new.
  const firstRunId = history[0].runId;
  const events = (await client.workflow.getHandle(lifecycleWorkflowId(VIN), firstRunId).fetchHistory()).events ?? [];
  const updates = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name);
  expect(updates).toEqual(['recordCallOutcome', 'completePreparation', 'completePreparation', 'confirmBooking', 'assignStaff', 'checkIn', 'recordProgressCheck', 'deliver', 'recordFollowUp', 'recordSalesCall']);
  expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  await recordHistoryIfAsked(client, lifecycleWorkflowId(VIN), firstRunId, 'first-cycle-over-api-with-recovery');
});

test('a retried step activity writes nothing twice', async () => {
  const activities = createActivities(db);
  const ctx = { workflowId: 'vehicle-RETRY', runId: 'r1', vin: VIN, cycle: 9, at: new Date().toISOString() };
  await activities.openTask(ctx, { kind: 'REMINDER_CALL', rule: 'R3', dueAt: ctx.at, assigneeRole: 'CUSTOMER_RELATIONS' });
  const input = { actor: 'cr-it', outcome: 'BOOKED' as const, bookedFor: new Date(Date.now() + 86_400_000).toISOString() };
  const first = await activities.recordCallOutcome(ctx, { input, storeId: STORE });
  const second = await activities.recordCallOutcome(ctx, { input, storeId: STORE });
  expect(second).toEqual(first);
  expect(await db.booking.count({ where: { vin: VIN, cycle: 9 } })).toBe(1);
  expect(await db.auditEvent.count({ where: { workflowId: 'vehicle-RETRY', action: 'booking.tentative' } })).toBe(1);
});

async function waitForTask(kind: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await db.task.findFirst({ where: { vin: VIN, kind: kind as never, status: 'OPEN' } }))) {
    if (Date.now() > deadline) throw new Error(`no open ${kind} task`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("a service manager changes the store's settings: refused values are named, running lifecycles record the change", async () => {
  expect((await call('PUT', `/api/stores/${STORE}/settings`, { unreachableRetryHours: 12 }, 'sa-it')).status).toBe(403);
  const refused = await call('PUT', `/api/stores/${STORE}/settings`, { unreachableRetryHours: -1, contactStartTime: '9:00' }, 'sm-it');
  expect(refused).toEqual({ status: 422, json: { error: 'not changed: unreachableRetryHours: -1 is not a usable value; contactStartTime: "9:00" is not a usable value' } });
  expect(await call('PUT', `/api/stores/${STORE}/settings`, { unreachableRetryHours: 12, reminderLeadDay: 14 }, 'sm-it')).toEqual({ status: 400, json: { error: 'not changed: reminderLeadDay: no such setting' } });
  // Whole days within a range.
  expect((await call('PUT', `/api/stores/${STORE}/settings`, { reminderLeadDays: 1.5 }, 'sm-it')).status).toBe(422);
  expect((await call('PUT', `/api/stores/${STORE}/settings`, { reminderLeadDays: 1e308 }, 'sm-it')).status).toBe(422);
  expect((await call('GET', `/api/stores/${STORE}/settings`)).json.settings.unreachableRetryHours).toBe(24);

  const changed = await call('PUT', `/api/stores/${STORE}/settings`, { unreachableRetryHours: 12 }, 'sm-it');
  expect(changed.status).toBe(200);
  expect(changed.json).toMatchObject({ storeId: STORE, changed: { unreachableRetryHours: 12 }, settings: { unreachableRetryHours: 12, contactStartTime: '00:00' } });
  expect(changed.json.vehiclesNotified).toBeGreaterThanOrEqual(1);
  expect((await call('GET', `/api/stores/${STORE}/settings`)).json.ownValues).toMatchObject({ unreachableRetryHours: 12, followUpDays: 0 });
  expect(await db.storeAuditEvent.findFirstOrThrow({ where: { storeId: STORE, action: 'store-settings.changed' } })).toMatchObject({ actor: 'sm-it', data: { version: changed.json.version, changed: { unreachableRetryHours: 12 } } });

  const deadline = Date.now() + 30_000;
  let applied: any;
  while (!applied && Date.now() < deadline) {
    applied = (await call('GET', `/api/vehicles/${VIN}/history`)).json.events.find((e: any) => e.action === 'store-settings.applied');
    if (!applied) await new Promise((r) => setTimeout(r, 200));
  }
  expect(applied).toMatchObject({ actor: 'sm-it', data: { version: changed.json.version, changed: { unreachableRetryHours: 12 } } });
  // The documented quiet hours are settings like the rest.
  expect((await call('PUT', `/api/stores/${STORE}/settings`, { messageStartTime: '08:00', messageEndTime: '21:00' }, 'sm-it')).json.settings).toMatchObject({ messageStartTime: '08:00', messageEndTime: '21:00' });
});

// For each role, at each state the whole-cycle workflow test observes, the vehicle page offers exactly
// the commands the policy lets that role perform and the lifecycle takes: every one of them, nothing
// else. Read from the rendered HTML (no browser needed); the lifecycle's state comes from a stand-in
// client that answers the state query with the observed state, the rest is the product on PostgreSQL.
import { Client, Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createDb, Db } from '../../activities/database';
import { can, ROLES, stepAction } from '../../api/auth/policy';
import { openSession } from '../../api/auth/sessions';
import { createApp } from '../../api/app';
import { LIFECYCLE_STEPS } from '../../commands/lifecycleSteps';
import type { StaffRole } from '../../generated/prisma/enums';
import { settableClock } from '../../runtime/clock';
import { createWebRouter } from '../../web/router';
import type { LifecycleState } from '../../workflows/lifecycle/contract';
import { correctionsAt } from '../../workflows/lifecycle/stepValidation';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, TestPostgres } from '../support/postgres';
import { OBSERVED, ObservedState } from '../support/stageAccepts';
import { seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LFV2A21K8P4000301';
const clock = settableClock('2026-11-20T02:00:00Z');
let postgres: TestPostgres;
let db: Db;
let server: Server;
let base: string;
let shown: LifecycleState;
const sessions = new Map<StaffRole, string>();
const csrf = new Map<StaffRole, string>();

/**
 * A client whose one call to Temporal, the lifecycle's state query, answers with the state under test; the
 * rest (its data converter, its namespace) is a real client's that never connects.
 */
const lifecycleStandIn: Client = Object.assign(Object.create(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) })), {
  workflow: { getHandle: () => ({ query: async () => shown }) },
});

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await seedWebStores(db);
  const customer = await db.customer.create({ data: { storeId: STORE_A, name: '王芳', phone: '13900000301' } });
  await db.vehicle.create({
    data: { vin: VIN, plate: '苏F30001', model: 'Sagitar', storeId: STORE_A, customerId: customer.id, deliveryDate: new Date('2025-05-20'), mileageKm: 9000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 30, workflowId: `vehicle-${VIN}` },
  });
  // A care call is a task of its own workflow: offered beside the lifecycle's steps to those who make it.
  await db.task.create({ data: { vin: VIN, workflowId: `care-${VIN}`, cycle: 1, kind: 'NEW_CAR_7DC_CALL', rule: 'R20', assigneeRole: 'CUSTOMER_RELATIONS', dueAt: new Date('2026-11-21T10:00:00Z'), idempotencyKey: `care-${VIN}-7dc` } });
  server = createApp({ client: lifecycleStandIn, db, clock, routers: [createWebRouter({ client: lifecycleStandIn, db, clock, temporalUiUrl: 'http://127.0.0.1:8233' })] }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const role of ROLES) {
    const session = await openSession(db, staffIdOf(role), 'WEB', clock.now());
    sessions.set(role, session.token);
    csrf.set(role, session.csrfToken);
  }
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.$disconnect();
  await postgres?.stop();
});

function stateOf(observed: ObservedState): LifecycleState {
  return { vin: VIN, plate: '苏F30001', storeId: STORE_A, cycle: 1, stage: observed.stage, accepts: observed.accepts, waitingFor: [] };
}

/** What the policy and the lifecycle allow: the steps it accepts that the role may take, a correction where one fits, the care call. */
function expectedFor(role: StaffRole, observed: ObservedState): string[] {
  const steps = LIFECYCLE_STEPS.filter((s) => can(role, stepAction(s.path)) && (observed.accepts.includes(s.update.name) || (s.path === 'correction' && correctionsAt(observed.stage).length > 0)));
  return [...(can(role, 'care.call') ? ['care-call'] : []), ...steps.map((s) => s.path)].sort();
}

async function offeredOn(role: StaffRole): Promise<{ forms: string[]; html: string }> {
  const res = await fetch(`${base}/vehicles/${VIN}`, { headers: { cookie: `sl_session=${sessions.get(role)}` } });
  expect(res.status).toBe(200);
  const html = await res.text();
  return { forms: [...html.matchAll(/<form method="post" action="[^"]*" class="action[^"]*" data-action="([^"]+)"/g)].map((m) => m[1]).sort(), html };
}

describe.each(Object.entries(OBSERVED))('at %s', (_name, observed) => {
  test.each(ROLES)('%s is offered every command it may perform, and nothing else', async (role) => {
    shown = stateOf(observed);
    const { forms } = await offeredOn(role);
    expect(forms).toEqual(expectedFor(role, observed));
  });
});

test('a correction offers only what fits the stage: BACK_TO_CONFIRMATION before check-in, CLOSE anywhere', async () => {
  shown = stateOf({ stage: 'AWAITING_CHECK_IN', accepts: ['checkIn'] });
  const before = (await offeredOn('SERVICE_MANAGER')).html;
  const correction = before.slice(before.indexOf('data-action="correction"'));
  expect(correction).toContain('value="BACK_TO_CONFIRMATION"');
  shown = stateOf(OBSERVED.inService);
  const after = (await offeredOn('SERVICE_MANAGER')).html;
  const inService = after.slice(after.indexOf('data-action="correction"'));
  expect(inService).toContain('value="CLOSE"');
  expect(inService.slice(0, inService.indexOf('</form>'))).not.toContain('BACK_TO_CONFIRMATION');
});

test("the owed step is open and first; a booking offers the customer's phone to those who call customers", async () => {
  shown = stateOf(OBSERVED.reminderCall);
  const { html } = await offeredOn('CUSTOMER_RELATIONS');
  expect(html).toMatch(/<details class="vehicle-action" data-step="care-call" open>/);
  const booking = html.slice(html.indexOf('data-action="bookings"'));
  expect(booking.slice(0, booking.indexOf('</form>'))).toContain('value="13900000301"');
  // A technician sees the car but calls no customer: no booking form, and no number anywhere in a form.
  shown = stateOf(OBSERVED.inService);
  const technician = (await offeredOn('TECHNICIAN')).html;
  expect(technician).not.toContain('13900000301');
});

test('a refused form comes back with each reason next to its field and everything typed kept; nothing is sent on', async () => {
  shown = stateOf(OBSERVED.reminderCall);
  const form = new URLSearchParams({ _csrf: csrf.get('BOOKING_SPECIALIST')!, action: 'bookings', formId: 'bookings', channel: 'COUNTER', bookedFor: '2026-11-25T10:00', faultDescription: '', contactPhone: '一三九', requests: '客户要求上午取车' });
  const res = await fetch(`${base}/vehicles/${VIN}/act`, { method: 'POST', headers: { cookie: `sl_session=${sessions.get('BOOKING_SPECIALIST')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
  expect(res.status).toBe(400);
  const html = await res.text();
  const booking = html.slice(html.indexOf('data-action="bookings"'));
  const sent = booking.slice(0, booking.indexOf('</form>'));
  // In the page's language, without the field's name the label already gives.
  expect(sent).toMatch(/<span class="field-error" data-field="contactPhone">只能是数字、空格或短横线<\/span>/);
  expect(sent).toMatch(/<span class="field-error" data-field="faultDescription">[^<]+<\/span>/);
  expect(sent).toContain('value="一三九"');
  expect(sent).toContain('>客户要求上午取车</textarea>');
  expect(sent).toMatch(/<option value="COUNTER" selected>/);
  expect(sent).toContain('value="2026-11-25T10:00"');
  expect(html).toMatch(/<details class="vehicle-action" data-step="bookings" open>/);
  expect(await db.booking.count({ where: { vin: VIN } })).toBe(0);
  // The same refusal on an English page, in English.
  const english = await fetch(`${base}/vehicles/${VIN}/act`, { method: 'POST', headers: { cookie: `sl_session=${sessions.get('BOOKING_SPECIALIST')}; sl_lang=en`, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
  expect(await english.text()).toMatch(/<span class="field-error" data-field="contactPhone">contactPhone must be digits, spaces or dashes<\/span>/);
});

test("the API answers a refusal in the caller's language: English by default, Chinese when asked for", async () => {
  const token = (await openSession(db, staffIdOf('BOOKING_SPECIALIST'), 'API', clock.now())).token;
  const book = (language?: string) =>
    fetch(`${base}/api/vehicles/${VIN}/bookings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(language ? { 'accept-language': language } : {}) },
      body: JSON.stringify({ channel: 'PHONE', bookedFor: '2026-11-25T10:00:00+08:00', faultDescription: '异响', contactPhone: 'abc' }),
    });
  const english = await book();
  expect(english.status).toBe(400);
  expect(await english.json()).toMatchObject({ error: 'contactPhone: contactPhone must be digits, spaces or dashes', details: [{ path: 'contactPhone', message: 'contactPhone must be digits, spaces or dashes', zh: '只能是数字、空格或短横线' }] });
  expect(((await (await book('zh-CN,zh;q=0.9,en;q=0.5')).json()) as { error: string }).error).toBe('contactPhone: 只能是数字、空格或短横线');
  expect(((await (await book('en-US,en;q=0.9,zh;q=0.5')).json()) as { error: string }).error).toBe('contactPhone: contactPhone must be digits, spaces or dashes');
});

test('a closed vehicle may move to another store: offered to the managers the policy allows, with the other stores to choose', async () => {
  shown = stateOf({ stage: 'CLOSED', accepts: [] });
  for (const role of ROLES) {
    const { forms, html } = await offeredOn(role);
    expect({ role, forms }).toEqual({ role, forms: can(role, 'vehicle.transfer') ? [...(can(role, 'care.call') ? ['care-call'] : []), 'vehicle-transfer'] : can(role, 'care.call') ? ['care-call'] : [] });
    if (can(role, 'vehicle.transfer')) {
      const transfer = html.slice(html.indexOf('data-action="vehicle-transfer"'));
      expect(transfer.slice(0, transfer.indexOf('</form>'))).toMatch(/<option value="store-b"[^>]*>Store B<\/option>/);
      expect(transfer.slice(0, transfer.indexOf('</form>'))).not.toContain('value="store-a"');
    }
  }
});

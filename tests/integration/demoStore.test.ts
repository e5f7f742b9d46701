// What `npm start` seeds into an empty database: staff of every role who can sign in with the README's
// demo credentials, and demo vehicles at their stages on the real Temporal dev server.
import { ROLES } from '../../api/auth/policy';
import { DEMO_PASSWORD, DEMO_STAFF, seedDemoStoreIfEmpty } from '../../runtime/demoStore';
import { systemClock } from '../../runtime/clock';
import { demoVehicles, seedDemoVehicles } from '../../runtime/demoVehicles';
import { getState, lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { startProductStack, ProductStack } from '../support/productStack';
import { signIn } from '../support/staff';

let stack: ProductStack;

beforeAll(async () => {
  stack = await startProductStack(async (db) => {
    expect(await seedDemoStoreIfEmpty(db)).toBe(true);
    expect(await seedDemoStoreIfEmpty(db)).toBe(false);
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

test('every role has a demo account that signs in with the README password', async () => {
  expect(new Set(DEMO_STAFF.map((s) => s.role))).toEqual(new Set(ROLES));
  for (const person of DEMO_STAFF) {
    const token = await signIn(stack.base, person.id, DEMO_PASSWORD);
    const me = (await (await fetch(`${stack.base}/api/session`, { headers: { authorization: `Bearer ${token}` } })).json()) as { staff: unknown };
    expect(me.staff).toMatchObject({ id: person.id, role: person.role, storeId: person.storeId });
  }
});

test('demo vehicles reach their stages', async () => {
  const problems: string[] = [];
  await seedDemoVehicles(stack.client, systemClock, (line) => problems.push(line));
  expect(problems).toEqual([]);
  const stages = await Promise.all(demoVehicles(Date.now()).map((v) => stack.client.workflow.getHandle(lifecycleWorkflowId(v.registration.vin)).query(getState).then((s) => s.stage)));
  expect(stages[0]).toBe('WAITING_FOR_REMINDER');
  // The reminder call waits for the store's contact hours (R3).
  expect(['AWAITING_CALL_OUTCOME', 'WAITING_FOR_REMINDER_CALL']).toContain(stages[1]);
  expect(stages.slice(2, 6)).toEqual(['AWAITING_PREPARATION', 'AWAITING_CONFIRMATION', 'AWAITING_CHECK_IN', 'IN_SERVICE']);
  expect(await stack.db.vehicle.count({ where: { storeId: 'demo-store-b' } })).toBe(1);
});

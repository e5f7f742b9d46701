// Demo vehicles at different stages of their cycle, so a first look at the web UI has something in
// every list: registered through the same path as the API, then moved on by the demo staff's Updates.
import type { Client } from '@temporalio/client';
import { startRegistration, Registration } from '../commands/registration';
import { registerVehicleSchema } from '../commands/schemas';
import { LIFECYCLE_STEPS } from '../commands/lifecycleSteps';
import { getState, LifecycleState, lifecycleWorkflowId, Stage } from '../workflows/lifecycle/contract';
import { Clock, elapsedMs } from './clock';
import { DEMO_STORE_B_ID, DEMO_STORE_ID } from './demoStore';

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface DemoStep {
  /** Waits for this stage first (the workflow gets there on its own). */
  at?: Stage;
  step: string;
  actor: string;
  input: (now: number) => object;
}

interface DemoVehicle {
  registration: Omit<Registration, 'newCar'> & { newCar?: boolean };
  steps: DemoStep[];
}

const vin = (n: number) => `LSVDEMA${String(n).padStart(10, '0')}`;
const date = (now: number, msAgo: number) => new Date(now - msAgo).toISOString().slice(0, 10);
/** Tomorrow 10:00 store time (UTC+8): a booking whose confirmation call (R7, 2 days before) is owed now. */
const tomorrowAtTen = (now: number) => new Date(`${new Date(now + 8 * HOUR + DAY).toISOString().slice(0, 10)}T10:00:00+08:00`).toISOString();
const inHours = (h: number) => (now: number) => new Date(now + h * HOUR).toISOString();
/**
 * The soonest booking the demo store takes (its contact hours, 09:00–18:00 store time) at least two hours
 * ahead: today's board in the daytime, the next morning's at night.
 */
const soonestInHours = (now: number) => {
  const local = new Date(now + 8 * HOUR + 2 * HOUR);
  const hour = local.getUTCHours();
  if (hour >= 9 && hour < 17) return new Date(Math.ceil((now + 2 * HOUR) / (15 * 60_000)) * 15 * 60_000).toISOString();
  const day = new Date(local.getTime() + (hour >= 17 ? DAY : 0)).toISOString().slice(0, 10);
  return new Date(`${day}T09:30:00+08:00`).toISOString();
};

function vehicle(now: number, n: number, plate: string, model: string, deliveredDaysAgo: number, customer: string, storeId = DEMO_STORE_ID, steps: DemoStep[] = []): DemoVehicle {
  return {
    registration: {
      vin: vin(n),
      plate,
      model,
      storeId,
      deliveryDate: date(now, deliveredDaysAgo * DAY),
      mileageKm: deliveredDaysAgo * 40,
      advisorId: storeId === DEMO_STORE_ID ? 'sa-li' : 'sa-ma',
      salesConsultantId: storeId === DEMO_STORE_ID ? 'sc-zhou' : undefined,
      customer: { name: customer, phone: `1390000${String(1000 + n).slice(-4)}` },
      newCar: true,
    },
    steps,
  };
}

const inbound = (actor: string, bookedFor: (now: number) => string): DemoStep => ({ step: 'bookings', actor, input: (now) => ({ channel: 'PHONE', bookedFor: bookedFor(now), faultDescription: '常规保养 periodic service', contactPhone: '13900009999' }) });
const prepared: DemoStep = { at: 'AWAITING_PREPARATION', step: 'preparation-complete', actor: 'td-chen', input: () => ({ bayId: 'bay-1' }) };

/** The demo vehicles as of `now`: their dates are relative to it. */
export const demoVehicles = (now: number): DemoVehicle[] => [
  // Waiting months for its first reminder (R1b).
  vehicle(now, 1, '苏A10001', 'Lavida', 10, '张先生'),
  // First service due now: the reminder (R2) and CR's call (R3) are owed.
  vehicle(now, 2, '苏A10002', 'Tiguan L', 95, '王女士'),
  // Booked by phone: the technical director's preparation (R6) is owed.
  vehicle(now, 3, '苏A10003', 'Lavida', 95, '李先生', DEMO_STORE_ID, [inbound('bk-sun', tomorrowAtTen)]),
  // Booked and prepared: the SA's confirmation call (R7) is owed.
  vehicle(now, 4, '苏A10004', 'Tiguan L', 95, '赵女士', DEMO_STORE_ID, [inbound('cr-zhao', tomorrowAtTen), prepared]),
  // Booked for the soonest time and confirmed: on today's board (R11) in the daytime, waiting for check-in.
  vehicle(now, 5, '苏A10005', 'Lavida', 95, '陈先生', DEMO_STORE_ID, [inbound('cr-zhao', soonestInHours), prepared, { at: 'AWAITING_CONFIRMATION', step: 'confirmation', actor: 'sa-li', input: () => ({ outcome: 'CONFIRMED' }) }]),
  // A walk-in (R12): in the workshop, the SA's delivery and the 80% check (R14) ahead.
  vehicle(now, 6, '苏A10006', 'Tiguan L', 95, '周女士', DEMO_STORE_ID, [{ step: 'walk-in', actor: 'sa-li', input: (at) => ({ mileageKm: 3900, promisedReadyAt: inHours(4)(at), complaint: '异响 noise from the front' }) }]),
  // Another store's vehicle: invisible to demo-store staff, visible to the auditor and general manager.
  vehicle(now, 7, '苏B20001', 'Lavida', 95, '吴先生', DEMO_STORE_B_ID),
];

async function stateOf(client: Client, v: string): Promise<LifecycleState | undefined> {
  return client.workflow
    .getHandle(lifecycleWorkflowId(v))
    .query(getState)
    .catch(() => undefined);
}

async function waitFor(client: Client, v: string, ready: (s: LifecycleState) => boolean, timeoutMs = 60_000): Promise<void> {
  const until = elapsedMs() + timeoutMs;
  for (;;) {
    const s = await stateOf(client, v);
    if (s && ready(s)) return;
    if (elapsedMs() > until) throw new Error(`${v} stayed at ${s?.stage}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Registers the demo vehicles and moves each to its stage; a step that fails is reported, never fatal. */
export async function seedDemoVehicles(client: Client, clock: Clock, log: (line: string) => void = console.warn): Promise<void> {
  await Promise.all(
    demoVehicles(clock.now().getTime()).map(async ({ registration, steps }) => {
      const v = registration.vin;
      try {
        await startRegistration(client, registerVehicleSchema.parse(registration), registration.advisorId ?? 'sa-li', clock.now());
        await waitFor(client, v, (s) => s.stage !== 'REGISTERING');
        for (const s of steps) {
          if (s.at) await waitFor(client, v, (state) => state.stage === s.at);
          const route = LIFECYCLE_STEPS.find((r) => r.path === s.step)!;
          await client.workflow.getHandle(lifecycleWorkflowId(v)).executeUpdate(route.update, { args: [{ ...s.input(clock.now().getTime()), actor: s.actor }] });
        }
      } catch (err) {
        log(`demo vehicle ${v}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
}

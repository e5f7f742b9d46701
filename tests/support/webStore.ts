// A store for the web and access tests: contact and message hours around the clock (so every call is
// owed and every message goes at once in real time), a second store, staff of every role, and helpers to drive vehicles over the API.
import type { Db } from '../../activities/database';
import { ROLES } from '../../api/auth/policy';
import type { Stage } from '../../workflows/lifecycle/contract';
import { addStaff, signIn } from './staff';

export const STORE_A = 'store-a';
export const STORE_B = 'store-b';
const HOUR = 3_600_000;

/** Staff id of each role in store A: `a-<role>`, e.g. a-service_advisor; plus `b-service_advisor` in store B. */
export const staffIdOf = (role: string, store = 'a') => `${store}-${role.toLowerCase()}`;

export async function seedWebStores(db: Db): Promise<void> {
  const settings = { contactStartTime: '00:00', contactEndTime: '24:00', messageStartTime: '00:00', messageEndTime: '23:59', followUpDays: 0, firstServiceFollowUpDays: 0 };
  await db.store.create({ data: { id: STORE_A, name: 'Store A', settings } });
  await db.store.create({ data: { id: STORE_B, name: 'Store B', settings } });
  await db.servicePlan.create({ data: { id: 'plan-web', model: 'Sagitar', intervalMonths: 6, intervalKm: 7500, laborHours: 1.2, estimateCny: 720 } });
  await db.bay.create({ data: { id: 'bay-a-1', storeId: STORE_A, name: 'Bay A1', kind: 'GENERAL_REPAIR' } });
  await addStaff(db, [
    ...ROLES.map((role) => ({ id: staffIdOf(role), storeId: STORE_A, role, name: `${role} A`, allStores: role === 'AUDITOR' || role === 'GENERAL_MANAGER' })),
    { id: staffIdOf('SERVICE_ADVISOR', 'b'), storeId: STORE_B, role: 'SERVICE_ADVISOR', name: 'SA B' },
  ]);
}

export class ApiDriver {
  private readonly tokens = new Map<string, string>();
  constructor(readonly base: string) {}

  async token(staffId: string): Promise<string> {
    if (!this.tokens.has(staffId)) this.tokens.set(staffId, await signIn(this.base, staffId));
    return this.tokens.get(staffId)!;
  }

  async call(staffId: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.token(staffId)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async register(vin: string, storeId: string, plate: string, phone: string, deliveredDaysAgo = 92): Promise<void> {
    const registrar = storeId === STORE_A ? staffIdOf('SERVICE_ADVISOR') : staffIdOf('SERVICE_ADVISOR', 'b');
    const res = await this.call(registrar, 'POST', '/api/vehicles', {
      vin,
      plate,
      model: 'Sagitar',
      storeId,
      // By default delivered 3 months ago, never serviced: the first service (R1b) is due now.
      deliveryDate: new Date(Date.now() - deliveredDaysAgo * 24 * HOUR).toISOString().slice(0, 10),
      mileageKm: 4200,
      advisorId: registrar,
      customer: { name: '刘女士', phone },
    });
    if (res.status !== 201) throw new Error(`register ${vin}: ${res.status} ${JSON.stringify(res.json)}`);
  }

  async waitForStage(vin: string, stage: Stage, asStaff = staffIdOf('AUDITOR')): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { json } = await this.call(asStaff, 'GET', `/api/vehicles/${vin}`);
      if (json?.state?.stage === stage) return;
      if (Date.now() > deadline) throw new Error(`${vin} still at ${json?.state?.stage}, expected ${stage}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Booked a minute ahead and prepared: the confirmation call (R7, 2 days before) is owed, already late. */
  async toConfirmation(vin: string): Promise<void> {
    await this.waitForStage(vin, 'AWAITING_CALL_OUTCOME');
    const booked = await this.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${vin}/call-outcome`, { outcome: 'BOOKED', bookedFor: new Date(Date.now() + 60_000).toISOString() });
    if (booked.status !== 200) throw new Error(`call-outcome ${vin}: ${booked.status} ${JSON.stringify(booked.json)}`);
    const prepared = await this.call(staffIdOf('TECHNICAL_DIRECTOR'), 'POST', `/api/vehicles/${vin}/preparation-complete`, { bayId: 'bay-a-1' });
    if (prepared.status !== 200) throw new Error(`preparation ${vin}: ${prepared.status} ${JSON.stringify(prepared.json)}`);
    await this.waitForStage(vin, 'AWAITING_CONFIRMATION');
  }
}

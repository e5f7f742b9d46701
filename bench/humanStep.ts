// The human step the benchmarks measure, and the cars it needs: a customer-relations agent records a
// reminder call's outcome (`POST /api/vehicles/:vin/call-outcome`, the recordCallOutcome Update) on a car
// whose lifecycle waits at AWAITING_CALL_OUTCOME. Shared by bench:import and bench:step.
import { addDays, localDate, localTime } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import type { EmbeddedStack } from './embeddedStack';
import { newVehicle } from './fleet';
import { percentile, round1, runPool } from './pool';
import { benchAuthorization } from './signIn';

export const CALL_ACTOR = 'cr-zhao';
const CONCURRENCY = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function call(apiUrl: string, who: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${apiUrl}${url}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: await benchAuthorization(apiUrl, who) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, json };
}

/** The human step: a customer-relations agent records a call outcome (the recordCallOutcome Update). */
export async function callOutcome(apiUrl: string, vin: string): Promise<number> {
  // 10:00 local a week ahead: inside the demo store's hours.
  const offset = DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
  const bookedFor = new Date(localTime(addDays(localDate(Date.now(), offset), 7), '10:00', offset)).toISOString();
  // Signed in before the clock starts: a sign-in is one password hash, not part of the step.
  await benchAuthorization(apiUrl, CALL_ACTOR);
  const t0 = performance.now();
  const res = await call(apiUrl, CALL_ACTOR, 'POST', `/api/vehicles/${vin}/call-outcome`, { outcome: 'BOOKED', bookedFor });
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`call-outcome ${vin}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  return ms;
}

export const stats = (ms: number[]) => ({ n: ms.length, p50: round1(percentile(ms, 50)), p99: round1(percentile(ms, 99)), max: round1(Math.max(...ms)) });

/** Registers `count` cars due now through the API; each lifecycle runs to AWAITING_CALL_OUTCOME. */
export async function prepareCallableCars(stack: EmbeddedStack, count: number): Promise<string[]> {
  const bodies = Array.from({ length: count }, () => newVehicle('C', 'due-now'));
  await runPool(bodies, CONCURRENCY, async (body) => {
    const res = await call(stack.apiUrl, 'sa-li', 'POST', '/api/vehicles', body);
    if (res.status !== 201) throw new Error(`register ${body.vin}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  });
  let pending = bodies.map((b) => b.vin);
  for (const deadline = Date.now() + 300_000; pending.length > 0; await sleep(500)) {
    if (Date.now() > deadline) throw new Error(`${pending.length} probe cars never reached AWAITING_CALL_OUTCOME`);
    const still: string[] = [];
    await runPool(pending, CONCURRENCY, async (vin) => {
      const res = await call(stack.apiUrl, CALL_ACTOR, 'GET', `/api/vehicles/${vin}`);
      if (res.json?.state?.stage !== 'AWAITING_CALL_OUTCOME') still.push(vin);
    });
    pending = still;
  }
  return bodies.map((b) => b.vin);
}

/** Until the worker has had nothing in flight for three polls in a row (or the timeout). */
export async function waitForIdleWorker(stack: EmbeddedStack, timeoutMs = 300_000): Promise<number> {
  const t0 = performance.now();
  for (let quiet = 0; quiet < 3; ) {
    if (performance.now() - t0 > timeoutMs) break;
    await sleep(200);
    const s = stack.worker.getStatus();
    quiet = s.numInFlightActivities + s.numInFlightWorkflowActivations === 0 ? quiet + 1 : 0;
  }
  return round1((performance.now() - t0) / 1000);
}


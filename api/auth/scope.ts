// Store scope: a person sees and moves only the vehicles of their own store (unless they span stores).
import type { Client } from '@temporalio/client';
import type { Db } from '../../activities/database';
import { elapsedMs } from '../../runtime/clock';
import { lifecycleWorkflowId, SA_STORE } from '../../workflows/lifecycle/contract';
import { HttpError } from '../httpError';
import { inStore, Principal } from './principal';

export type VehicleScopeCheck = (p: Principal, vin: string) => Promise<void>;

/** The store a vehicle belongs to, or undefined for a VIN nobody registered. */
export type VehicleStoreLookup = (vin: string) => Promise<string | undefined>;

/** The lookup, remembering what it found; `forget` drops a vehicle whose store just changed (a transfer). */
export type VehicleStoreOf = VehicleStoreLookup & { forget(vin: string): void };

/**
 * A vehicle's store is set at registration and changes only by a manager's transfer: known ones are
 * remembered for an hour, so a step costs no extra database read (the embedded database has one
 * connection for everyone); an unknown VIN is asked again every time. A transfer in this process makes
 * it `forget` the VIN; a lookup that was under way meanwhile does not remember what it read.
 */
export function vehicleStores(db: Db, client: Client, knownMs = 3_600_000): VehicleStoreOf {
  const stores = new Map<string, { storeId: string; until: number }>();
  let forgets = 0;
  const storeOf = async (vin: string) => {
    const hit = stores.get(vin);
    if (hit && hit.until > elapsedMs()) return hit.storeId;
    const before = forgets;
    const row = await db.vehicle.findUnique({ where: { vin }, select: { storeId: true } });
    // Between registration and its first activity the vehicle exists only in its workflow.
    const storeId = row?.storeId ?? (await workflowStore(client, vin));
    if (storeId && forgets === before) {
      if (stores.size >= 10_000) stores.clear();
      stores.set(vin, { storeId, until: elapsedMs() + knownMs });
    }
    return storeId;
  };
  return Object.assign(storeOf, {
    forget(vin: string) {
      forgets++;
      stores.delete(vin);
    },
  });
}

/**
 * Throws 404 for a vehicle outside the person's stores, the same answer as for a VIN that does not exist,
 * so another store's vehicles are not even confirmed to exist.
 */
export function vehicleScope(storeOf: VehicleStoreLookup): VehicleScopeCheck {
  return async (p, vin) => {
    if (p.allStores) return;
    if (!inStore(p, await storeOf(vin))) throw new HttpError(404, `no vehicle with VIN ${vin}`);
  };
}

async function workflowStore(client: Client, vin: string): Promise<string | undefined> {
  try {
    const description = await client.workflow.getHandle(lifecycleWorkflowId(vin)).describe();
    return description.typedSearchAttributes.get(SA_STORE);
  } catch {
    return undefined;
  }
}

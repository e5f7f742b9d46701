// Store scope: a person sees and moves only the vehicles of their own store (unless they span stores).
import type { Client } from '@temporalio/client';
import type { Db } from '../../activities/database';
import { lifecycleWorkflowId, SA_STORE } from '../../workflows/definitions';
import { HttpError } from '../httpError';
import { inStore, Principal } from './principal';

export type VehicleScopeCheck = (p: Principal, vin: string) => Promise<void>;

/**
 * Throws 404 for a vehicle outside the person's stores, the same answer as for a VIN that does not exist,
 * so another store's vehicles are not even confirmed to exist.
 */
export function vehicleScope(db: Db, client: Client): VehicleScopeCheck {
  return async (p, vin) => {
    if (p.allStores) return;
    const row = await db.vehicle.findUnique({ where: { vin }, select: { storeId: true } });
    // Between registration and its first activity the vehicle exists only in its workflow.
    const storeId = row?.storeId ?? (await workflowStore(client, vin));
    if (!inStore(p, storeId)) throw new HttpError(404, `no vehicle with VIN ${vin}`);
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

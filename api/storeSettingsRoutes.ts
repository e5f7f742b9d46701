// A store's settings (every number the rules name) over HTTP: read them with their defaults, change some
// of them. A change reaches every running lifecycle and care workflow of the store, whose later
// decisions use it and whose history records it (who, which version, what).
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import express, { Request } from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import { recordStoreEvent } from '../commands/storeAudit';
import type { Clock } from '../runtime/clock';
import { Prisma } from '../generated/prisma/client';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { careWorkflowId } from '../workflows/careDefinitions';
import { SA_STORE, SA_VIN, StoreSettingsChange, storeSettingsChanged } from '../workflows/definitions';
import { authorize, principalOf } from './auth/middleware';
import { inStore } from './auth/principal';
import { HttpError } from './httpError';

const storeIdSchema = z.string().trim().min(1).max(64);
const KEYS = Object.keys(DEFAULT_STORE_SETTINGS) as (keyof StoreSettings)[];
/** How many workflows are signalled at once when a store's settings change. */
const FAN_OUT = 16;

/**
 * Which of the requested values the store would not use: unknown keys, and values the settings'
 * own rules refuse (a time that is not HH:MM, a fraction outside 0–1 …).
 */
export function rejectedSettings(requested: Record<string, unknown>): string[] {
  const resolved = resolveStoreSettings(requested) as unknown as Record<string, unknown>;
  return Object.entries(requested)
    .filter(([key, value]) => !(KEYS as string[]).includes(key) || JSON.stringify(resolved[key]) !== JSON.stringify(value))
    .map(([key, value]) => ((KEYS as string[]).includes(key) ? `${key}: ${JSON.stringify(value)} is not a usable value` : `${key}: no such setting`));
}

export function storeSettingsRoutes({ client, db, clock }: { client: Client; db: Db; clock: Clock }): express.Router {
  const router = express.Router();

  async function storeOf(req: Request) {
    const parsed = storeIdSchema.safeParse(req.params.storeId);
    if (!parsed.success) throw new HttpError(400, 'storeId: a store id is required');
    const storeId = parsed.data;
    const store = await db.store.findUnique({ where: { id: storeId } });
    if (!store || !inStore(principalOf(req), storeId)) throw new HttpError(404, `no store ${storeId}`);
    return store;
  }

  router.get('/api/stores/:storeId/settings', authorize('settings.read'), async (req, res) => {
    const store = await storeOf(req);
    res.json({ storeId: store.id, settings: resolveStoreSettings(store.settings), ownValues: store.settings, defaults: DEFAULT_STORE_SETTINGS });
  });

  router.put('/api/stores/:storeId/settings', authorize('settings.manage'), async (req, res) => {
    const store = await storeOf(req);
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) {
      throw new HttpError(400, 'send an object of the settings to change, e.g. {"reminderLeadDays": 14}');
    }
    const rejected = rejectedSettings(body as Record<string, unknown>);
    // An unknown key is a malformed request (400); a known one with an unusable value, unprocessable (422).
    if (rejected.length) throw new HttpError(rejected.some((r) => r.endsWith('no such setting')) ? 400 : 422, `not changed: ${rejected.join('; ')}`);
    const ownValues = { ...(store.settings as Record<string, unknown>), ...(body as Record<string, unknown>) };
    const at = clock.now();
    const change: StoreSettingsChange = {
      version: at.toISOString(),
      changedBy: principalOf(req).id,
      changed: body as Partial<StoreSettings>,
      settings: resolveStoreSettings(ownValues),
    };
    await db.$transaction(async (tx) => {
      await tx.store.update({ where: { id: store.id }, data: { settings: ownValues as Prisma.InputJsonObject } });
      await recordStoreEvent(tx, { storeId: store.id, action: 'store-settings.changed', actor: change.changedBy, at, data: { version: change.version, changed: change.changed, before: store.settings } });
    });
    const vehiclesNotified = await tellRunningWorkflows(client, store.id, change);
    res.json({ storeId: store.id, settings: change.settings, version: change.version, changed: change.changed, vehiclesNotified });
  });

  return router;
}

/** Each running lifecycle of the store, and its vehicle's care workflow, gets the change. */
async function tellRunningWorkflows(client: Client, storeId: string, change: StoreSettingsChange): Promise<number> {
  const query = `WorkflowType = 'vehicleLifecycle' AND ExecutionStatus = 'Running' AND ${SA_STORE.name} = '${storeId.replace(/'/g, "\\'")}'`;
  const pending: Promise<void>[] = [];
  let notified = 0;
  const tell = async (workflowId: string) => {
    try {
      await client.workflow.getHandle(workflowId).signal(storeSettingsChanged, change);
    } catch (err) {
      // A workflow that ended since it was listed needs no settings.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
  for await (const wf of client.workflow.list({ query })) {
    const vin = wf.typedSearchAttributes.get(SA_VIN);
    pending.push(Promise.all([tell(wf.workflowId), vin ? tell(careWorkflowId(vin)) : undefined]).then(() => undefined));
    notified++;
    if (pending.length >= FAN_OUT) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return notified;
}

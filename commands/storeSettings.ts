// A service or general manager changes some of a store's settings (every number the rules name). The
// change is recorded in the store's audit chain and reaches every running lifecycle and care workflow of
// the store, whose later decisions use it and whose history records it (who, which version, what).
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { Prisma } from '../generated/prisma/client';
import { careWorkflowId } from '../workflows/care/contract';
import { SA_STORE, SA_VIN } from '../workflows/lifecycle/contract';
import { StoreSettingsChange, storeSettingsChanged } from '../workflows/shared';
import { defineCommand, StoreSubject } from './command';
import { recordStoreEvent } from './storeAudit';

const KEYS = Object.keys(DEFAULT_STORE_SETTINGS) as (keyof StoreSettings)[];
/** How many workflows are signalled at once when a store's settings change. */
const FAN_OUT = 16;
const SEND_AN_OBJECT = 'send an object of the settings to change, e.g. {"reminderLeadDays": 14}';

/**
 * The settings to change, by name: at least one. Which names exist and which values are usable is the
 * settings' own rules' to say (`rejectedSettings`), so an unknown name is 400 and an unusable value 422.
 */
export const settingsChangeSchema = z.record(z.string(), z.unknown(), { error: SEND_AN_OBJECT }).refine((o) => Object.keys(o).length > 0, SEND_AN_OBJECT);

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

export interface SettingsChanged {
  storeId: string;
  settings: StoreSettings;
  version: string;
  changed: Partial<StoreSettings>;
  /** How many running lifecycles (and their care workflows) were told. */
  vehiclesNotified: number;
}

export const changeStoreSettingsCommand = defineCommand<typeof settingsChangeSchema, SettingsChanged, StoreSubject>({
  name: 'store-settings.change',
  action: 'settings.manage',
  schema: settingsChangeSchema,
  async run({ db, client, principal, at }, { storeId }, requested) {
    const store = await db.store.findUnique({ where: { id: storeId } });
    if (!store) throw new HttpError(404, `no store ${storeId}`);
    const rejected = rejectedSettings(requested);
    // An unknown key is a malformed request (400); a known one with an unusable value, unprocessable (422).
    if (rejected.length) throw new HttpError(rejected.some((r) => r.endsWith('no such setting')) ? 400 : 422, `not changed: ${rejected.join('; ')}`);
    const ownValues = { ...(store.settings as Record<string, unknown>), ...requested };
    const change: StoreSettingsChange = {
      version: at.toISOString(),
      changedBy: principal.id,
      changed: requested as Partial<StoreSettings>,
      settings: resolveStoreSettings(ownValues),
    };
    await db.$transaction(async (tx) => {
      await tx.store.update({ where: { id: store.id }, data: { settings: ownValues as Prisma.InputJsonObject } });
      await recordStoreEvent(tx, { storeId: store.id, action: 'store-settings.changed', actor: change.changedBy, at, data: { version: change.version, changed: change.changed, before: store.settings } });
    });
    const vehiclesNotified = await tellRunningWorkflows(client, store.id, change);
    return { storeId: store.id, settings: change.settings, version: change.version, changed: change.changed, vehiclesNotified };
  },
});

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

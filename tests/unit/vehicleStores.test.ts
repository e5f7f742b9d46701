// The store a vehicle belongs to is read once and shared by the store-scope check and the booking steps'
// capacity check, so a step costs no database read once the vehicle is known (api/auth/scope.ts).
import type { Client } from '@temporalio/client';
import type { Db } from '../../activities/database';
import { vehicleScope, vehicleStores } from '../../api/auth/scope';
import type { Principal } from '../../api/auth/principal';

function fakes(rows: Record<string, string>, inWorkflows: Record<string, string> = {}) {
  const reads: string[] = [];
  const db = {
    vehicle: {
      findUnique: async ({ where }: { where: { vin: string } }) => {
        reads.push(where.vin);
        return rows[where.vin] ? { storeId: rows[where.vin] } : null;
      },
    },
  } as unknown as Db;
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        describe: async () => {
          const store = Object.entries(inWorkflows).find(([vin]) => workflowId.includes(vin))?.[1];
          if (!store) throw new Error('workflow not found');
          return { typedSearchAttributes: { get: () => store } };
        },
      }),
    },
  } as unknown as Client;
  return { db, client, reads };
}

const advisorOf = (storeId: string) => ({ id: 'sa-x', name: 'SA', role: 'SERVICE_ADVISOR', storeId, allStores: false }) as Principal;

describe('vehicleStores', () => {
  it('reads a known vehicle once, then answers from memory', async () => {
    const { db, client, reads } = fakes({ LSVKNOWN000000001: 'store-a' });
    const storeOf = vehicleStores(db, client);
    expect(await storeOf('LSVKNOWN000000001')).toBe('store-a');
    expect(await storeOf('LSVKNOWN000000001')).toBe('store-a');
    expect(reads).toEqual(['LSVKNOWN000000001']);
  });

  it('asks again for a VIN nobody registered', async () => {
    const { db, client, reads } = fakes({});
    const storeOf = vehicleStores(db, client);
    expect(await storeOf('LSVNOBODY00000001')).toBeUndefined();
    expect(await storeOf('LSVNOBODY00000001')).toBeUndefined();
    expect(reads).toHaveLength(2);
  });

  it('takes the store from the workflow for a vehicle registered but not yet written', async () => {
    const { db, client } = fakes({}, { LSVJUSTNOW0000001: 'store-b' });
    expect(await vehicleStores(db, client)('LSVJUSTNOW0000001')).toBe('store-b');
  });

  it('forgets a vehicle when told (a transfer), and does not keep what a lookup under way meanwhile read', async () => {
    const rows: Record<string, string> = { LSVMOVED000000001: 'store-a' };
    const { db, client, reads } = fakes(rows);
    const storeOf = vehicleStores(db, client);
    expect(await storeOf('LSVMOVED000000001')).toBe('store-a');
    rows.LSVMOVED000000001 = 'store-b';
    expect(await storeOf('LSVMOVED000000001')).toBe('store-a');
    storeOf.forget('LSVMOVED000000001');
    expect(await storeOf('LSVMOVED000000001')).toBe('store-b');
    expect(reads).toHaveLength(2);

    // A lookup that read the old store before the transfer committed answers it once, but does not remember it.
    rows.LSVMOVED000000001 = 'store-a';
    storeOf.forget('LSVMOVED000000001');
    const during = storeOf('LSVMOVED000000001');
    storeOf.forget('LSVMOVED000000001');
    rows.LSVMOVED000000001 = 'store-b';
    expect(await during).toBe('store-a');
    expect(await storeOf('LSVMOVED000000001')).toBe('store-b');
  });

  it('forgets a known vehicle after knownMs', async () => {
    const { db, client, reads } = fakes({ LSVKNOWN000000001: 'store-a' });
    const storeOf = vehicleStores(db, client, 0);
    await storeOf('LSVKNOWN000000001');
    await storeOf('LSVKNOWN000000001');
    expect(reads).toHaveLength(2);
  });
});

describe('vehicleScope', () => {
  it("answers 404 for another store's vehicle and lets the own store's through, one read for both", async () => {
    const { db, client, reads } = fakes({ LSVKNOWN000000001: 'store-a' });
    const check = vehicleScope(vehicleStores(db, client));
    await expect(check(advisorOf('store-a'), 'LSVKNOWN000000001')).resolves.toBeUndefined();
    await expect(check(advisorOf('store-b'), 'LSVKNOWN000000001')).rejects.toMatchObject({ status: 404 });
    expect(reads).toHaveLength(1);
  });
});

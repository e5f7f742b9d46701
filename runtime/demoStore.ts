import type { Db } from '../activities/database';

export const DEMO_STORE_ID = 'demo-store';

/** A store to try the product with when the database has none; a dealership's own data replaces it. */
export async function seedDemoStoreIfEmpty(db: Db): Promise<boolean> {
  if ((await db.store.count()) > 0) return false;
  await db.$transaction([
    db.store.create({ data: { id: DEMO_STORE_ID, name: '示范4S店 Demo Store', timeZone: 'Asia/Shanghai' } }),
    db.servicePlan.createMany({
      data: [
        { id: 'plan-lavida', model: 'Lavida', intervalMonths: 6, intervalKm: 7500, laborHours: 1, estimateCny: 680 },
        { id: 'plan-tiguan', model: 'Tiguan L', intervalMonths: 12, intervalKm: 10000, laborHours: 1.5, estimateCny: 1280 },
      ],
    }),
    db.bay.createMany({
      data: [
        { id: 'bay-1', storeId: DEMO_STORE_ID, name: '快修 1', kind: 'QUICK_SERVICE' },
        { id: 'bay-2', storeId: DEMO_STORE_ID, name: '机修 2', kind: 'GENERAL_REPAIR' },
      ],
    }),
    db.staff.createMany({
      data: [
        { id: 'sa-li', storeId: DEMO_STORE_ID, name: '李顾问', role: 'SERVICE_ADVISOR' },
        { id: 'cr-zhao', storeId: DEMO_STORE_ID, name: '赵客服', role: 'CUSTOMER_RELATIONS' },
        { id: 'td-chen', storeId: DEMO_STORE_ID, name: '陈总监', role: 'TECHNICAL_DIRECTOR' },
        { id: 'sm-wang', storeId: DEMO_STORE_ID, name: '王经理', role: 'SERVICE_MANAGER' },
      ],
    }),
  ]);
  return true;
}

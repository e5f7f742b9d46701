import type { Db } from '../activities/database';
import { seedWorkshop } from './workshopSeed';

export const DEMO_STORE_ID = 'demo-store';
/** A second demo store with a capacity model (R8): its bookings take bay time; demo-store books as before. */
export const DEMO_WORKSHOP_ID = 'demo-workshop';

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
  await seedDemoWorkshop(db);
  return true;
}

async function seedDemoWorkshop(db: Db): Promise<void> {
  await db.store.create({ data: { id: DEMO_WORKSHOP_ID, name: '示范4S店 车间 Demo Workshop', timeZone: 'Asia/Shanghai' } });
  await seedWorkshop(db, { storeId: DEMO_WORKSHOP_ID, bays: { QUICK_SERVICE: 2, GENERAL_REPAIR: 4, BODY_PAINT: 2 }, technicians: { QUICK_SERVICE: 2, GENERAL_REPAIR: 4, BODY_PAINT: 2 } });
  await db.part.createMany({
    data: [
      { partNumber: 'VW-06L115562', name: '机油滤清器 Oil filter', priceCny: 45, leadDays: 2 },
      { partNumber: 'VW-5Q0698151', name: '前刹车片 Front brake pads', priceCny: 480, leadDays: 5 },
    ],
    skipDuplicates: true,
  });
  await db.partStock.createMany({
    data: [
      { storeId: DEMO_WORKSHOP_ID, partNumber: 'VW-06L115562', onHand: 20 },
      { storeId: DEMO_WORKSHOP_ID, partNumber: 'VW-5Q0698151', onHand: 2 },
    ],
  });
}

import type { Db } from '../activities/database';
import { seedWorkshop } from './workshopSeed';
import type { StaffRole } from '../generated/prisma/enums';
import { hashPassword } from '../api/auth/passwords';

export const DEMO_STORE_ID = 'demo-store';
export const DEMO_STORE_B_ID = 'demo-store-b';
/** A third demo store with a capacity model (R8): its bookings take bay time; demo-store books as before. */
export const DEMO_WORKSHOP_ID = 'demo-workshop';
/** Every demo account signs in with this password (README "Sign-in"); a real dealership sets its own. */
export const DEMO_PASSWORD = 'demo1234';

export const DEMO_STAFF: { id: string; storeId: string; name: string; role: StaffRole; allStores?: boolean }[] = [
  { id: 'sa-li', storeId: DEMO_STORE_ID, name: '李顾问', role: 'SERVICE_ADVISOR' },
  { id: 'cr-zhao', storeId: DEMO_STORE_ID, name: '赵客服', role: 'CUSTOMER_RELATIONS' },
  { id: 'td-chen', storeId: DEMO_STORE_ID, name: '陈总监', role: 'TECHNICAL_DIRECTOR' },
  { id: 'tech-zheng', storeId: DEMO_STORE_ID, name: '郑师傅', role: 'TECHNICIAN' },
  { id: 'parts-liu', storeId: DEMO_STORE_ID, name: '刘配件', role: 'PARTS' },
  { id: 'sc-zhou', storeId: DEMO_STORE_ID, name: '周销售', role: 'SALES_CONSULTANT' },
  { id: 'bk-sun', storeId: DEMO_STORE_ID, name: '孙预约', role: 'BOOKING_SPECIALIST' },
  { id: 'sup-wu', storeId: DEMO_STORE_ID, name: '吴主管', role: 'SERVICE_SUPERVISOR' },
  { id: 'sm-wang', storeId: DEMO_STORE_ID, name: '王经理', role: 'SERVICE_MANAGER' },
  { id: 'cm-xu', storeId: DEMO_STORE_ID, name: '徐客户经理', role: 'CUSTOMER_MANAGER' },
  { id: 'gm-he', storeId: DEMO_STORE_ID, name: '何总', role: 'GENERAL_MANAGER', allStores: true },
  { id: 'aud-qian', storeId: DEMO_STORE_ID, name: '钱审计', role: 'AUDITOR', allStores: true },
  { id: 'sa-ma', storeId: DEMO_STORE_B_ID, name: '马顾问', role: 'SERVICE_ADVISOR' },
  { id: 'sa-gao', storeId: DEMO_WORKSHOP_ID, name: '高顾问', role: 'SERVICE_ADVISOR' },
  { id: 'td-lin', storeId: DEMO_WORKSHOP_ID, name: '林总监', role: 'TECHNICAL_DIRECTOR' },
];

/** A store to try the product with when the database has none; a dealership's own data replaces it. */
export async function seedDemoStoreIfEmpty(db: Db): Promise<boolean> {
  if ((await db.store.count()) > 0) {
    await addMissingDemoStaff(db);
    return false;
  }
  await db.$transaction([
    db.store.create({ data: { id: DEMO_STORE_ID, name: '示范4S店 Demo Store', timeZone: 'Asia/Shanghai' } }),
    db.store.create({ data: { id: DEMO_STORE_B_ID, name: '示范二店 Demo Store B', timeZone: 'Asia/Shanghai' } }),
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
        { id: 'bay-b1', storeId: DEMO_STORE_B_ID, name: '快修 1', kind: 'QUICK_SERVICE' },
      ],
    }),
    // R25: a corporate fleet to try the fleet page with; its manager adds vehicles there.
    db.fleetAccount.create({
      data: { id: 'fleet-shunda', storeId: DEMO_STORE_ID, name: '苏州顺达物流 Shunda Logistics', note: '月结 Monthly billing', contacts: { create: [{ name: '陈经理', phone: '13800001111', email: 'fleet@shunda.example' }] } },
    }),
  ]);
  await seedDemoWorkshop(db);
  await addMissingDemoStaff(db);
  return true;
}

/** Demo databases made before sign-in existed get the demo accounts (and passwords) too. */
async function addMissingDemoStaff(db: Db): Promise<void> {
  const stores = new Set((await db.store.findMany({ where: { id: { in: [DEMO_STORE_ID, DEMO_STORE_B_ID, DEMO_WORKSHOP_ID] } }, select: { id: true } })).map((s) => s.id));
  for (const person of DEMO_STAFF.filter((p) => stores.has(p.storeId))) {
    const existing = await db.staff.findUnique({ where: { id: person.id } });
    if (existing?.passwordHash) continue;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.staff.upsert({
      where: { id: person.id },
      create: { ...person, allStores: person.allStores ?? false, passwordHash },
      update: { passwordHash, role: person.role, allStores: person.allStores ?? false },
    });
  }
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

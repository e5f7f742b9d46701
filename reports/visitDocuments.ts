// R23: each visit's documents (reception sheet, dispatch sheet, settlement, checklist) reach customer
// relations within one working day of the delivery — by the end of the store's next working day. A visit
// whose documents have not arrived by then opens a task for customer relations, who chase them and record
// their arrival in the service file (commands/visitDocuments.ts), which closes the task.
import type { Db } from '../activities/database';
import type { StoreHours } from '../domain/bookingHours';
import { addDays, localDate } from '../domain/calendar';
import { workingPeriod } from '../domain/workingHours';
import { reportStore } from './rows';

const DAY_MS = 86_400_000;
/** A store closed longer than this is taken as never working: a day after the delivery stands. */
const LONGEST_CLOSURE_DAYS = 366;
/** Deliveries older than this are not looked at again: their task, if owed, was opened long ago. */
const LOOKBACK_DAYS = 30;

/** The end of the store's first working day after the delivery's. */
export function documentsDueBy(deliveredAtMs: number, hours: StoreHours): number {
  let date = localDate(deliveredAtMs, hours.utcOffsetMinutes);
  for (let day = 0; day < LONGEST_CLOSURE_DAYS; day++) {
    date = addDays(date, 1);
    const period = workingPeriod(date, hours);
    if (period) return period.end;
  }
  return deliveredAtMs + DAY_MS;
}

/** The task's key: one per visit, whichever run opens it. */
export const visitDocumentsTaskKey = (repairOrderId: string) => `visit-documents:${repairOrderId}`;

/** Opens the tasks owed at `upTo` in one store or every store; returns how many were opened. */
export async function openVisitDocumentTasks(db: Db, upTo: Date, storeId?: string): Promise<number> {
  let opened = 0;
  for (const { id } of await db.store.findMany({ where: storeId ? { id: storeId } : {}, select: { id: true }, orderBy: { id: 'asc' } })) {
    const store = (await reportStore(db, id))!;
    const orders = await db.repairOrder.findMany({
      where: { vehicle: { storeId: id }, deliveredAt: { gte: new Date(upTo.getTime() - LOOKBACK_DAYS * DAY_MS), lte: upTo } },
      select: { id: true, vin: true, cycle: true, deliveredAt: true, vehicle: { select: { workflowId: true } } },
    });
    const received = new Set((await db.visitDocuments.findMany({ where: { repairOrderId: { in: orders.map((o) => o.id) } }, select: { repairOrderId: true } })).map((r) => r.repairOrderId));
    const owed = orders
      .filter((o) => !received.has(o.id))
      .map((o) => ({ ...o, dueBy: documentsDueBy(o.deliveredAt!.getTime(), store.hours) }))
      .filter((o) => o.dueBy <= upTo.getTime());
    const { count } = await db.task.createMany({
      data: owed.map((o) => ({
        idempotencyKey: visitDocumentsTaskKey(o.id),
        vin: o.vin,
        workflowId: o.vehicle.workflowId,
        cycle: o.cycle,
        kind: 'VISIT_DOCUMENTS' as const,
        rule: 'R23',
        dueAt: new Date(o.dueBy),
        assigneeRole: 'CUSTOMER_RELATIONS' as const,
        createdAt: upTo,
      })),
      skipDuplicates: true,
    });
    opened += count;
  }
  return opened;
}

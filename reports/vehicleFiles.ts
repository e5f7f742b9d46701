// R23 one vehicle, two files: the sales file (the sale, its consultant, the delivery, the 7DC and the care
// contacts) and the service file (every visit's documents: reception sheet, dispatch, settlement, the
// follow-up; and the visits a DMS import brought in), found by date, VIN, customer name or plate.
import type { Db } from '../activities/database';
import { addDays, CalendarDate, localTime } from '../domain/calendar';
import type { TaskKind } from '../generated/prisma/enums';

/** The care contacts of the sales file (R20, R22). */
export const SALES_CONTACTS: TaskKind[] = ['NEW_CAR_7DC_CALL', 'MONTHLY_CALLBACK_CALL', 'MANAGEMENT_CALLBACK_CALL', 'YEARLY_CALLBACK_CALL', 'USAGE_FOLLOW_UP_CALL', 'FIRST_SERVICE_CONFIRMATION_CALL'];

export interface FileSearch {
  /** Part of a VIN or plate, or of the customer's name. */
  q?: string;
  /** Store-local days: a delivery or a visit in this range. */
  from?: CalendarDate;
  to?: CalendarDate;
}

export interface FileHit {
  vin: string;
  plate: string;
  model: string;
  customerName: string;
  deliveryDate: string;
  lastVisit: string | null;
}

/** At most this many vehicles a search lists; a narrower search finds the rest. */
export const FILE_SEARCH_LIMIT = 100;

export async function searchVehicleFiles(db: Db, storeId: string | undefined, search: FileSearch, utcOffsetMinutes: number): Promise<FileHit[]> {
  const q = search.q?.trim();
  if (!q && !search.from && !search.to) return [];
  const inStore = storeId ? { storeId } : {};
  const conditions: object[] = [];
  if (q) conditions.push({ OR: [{ vin: { contains: q.toUpperCase() } }, { plate: { contains: q.toUpperCase() } }, { customer: { name: { contains: q } } }] });
  if (search.from || search.to) {
    const fromDay = search.from ?? '1950-01-01';
    const toDay = search.to ?? '2199-12-31';
    const instants = { gte: new Date(localTime(fromDay, '00:00', utcOffsetMinutes)), lt: new Date(localTime(addDays(toDay, 1), '00:00', utcOffsetMinutes)) };
    const imported = await db.serviceVisit.findMany({ where: { ...inStore, serviceDate: { gte: new Date(fromDay), lte: new Date(toDay) } }, select: { vin: true } });
    conditions.push({
      OR: [
        { deliveryDate: { gte: new Date(fromDay), lte: new Date(toDay) } },
        { repairOrders: { some: { checkedInAt: instants } } },
        { vin: { in: [...new Set(imported.map((v) => v.vin))] } },
      ],
    });
  }
  const vehicles = await db.vehicle.findMany({
    where: { ...inStore, AND: conditions },
    select: { vin: true, plate: true, model: true, deliveryDate: true, customer: { select: { name: true } }, repairOrders: { select: { checkedInAt: true }, where: { checkedInAt: { not: null } }, orderBy: { checkedInAt: 'desc' }, take: 1 } },
    orderBy: { vin: 'asc' },
    take: FILE_SEARCH_LIMIT,
  });
  return vehicles.map((v) => ({
    vin: v.vin,
    plate: v.plate,
    model: v.model,
    customerName: v.customer.name,
    deliveryDate: v.deliveryDate.toISOString().slice(0, 10),
    lastVisit: v.repairOrders[0]?.checkedInAt?.toISOString() ?? null,
  }));
}

/** Both files of one vehicle; null when there is no such vehicle. */
export async function vehicleFiles(db: Db, vin: string) {
  const vehicle = await db.vehicle.findUnique({
    where: { vin },
    include: {
      customer: true,
      tasks: { where: { kind: { in: SALES_CONTACTS } }, orderBy: { dueAt: 'asc' } },
      repairOrders: { include: { items: { orderBy: { description: 'asc' } }, booking: true }, orderBy: [{ cycle: 'asc' }, { createdAt: 'asc' }] },
      surveys: true,
      failureTickets: { orderBy: { createdAt: 'asc' } },
    },
  });
  if (!vehicle) return null;
  const documents = await db.visitDocuments.findMany({ where: { vin } });
  const staffIds = [vehicle.salesConsultantId, ...vehicle.repairOrders.flatMap((o) => [o.receivedBy, o.booking?.advisorId, o.booking?.technicianId]), ...documents.map((d) => d.receivedBy)].filter((id): id is string => !!id);
  const [staff, imported] = await Promise.all([
    db.staff.findMany({ where: { id: { in: staffIds } }, select: { id: true, name: true } }),
    db.serviceVisit.findMany({ where: { storeId: vehicle.storeId, vin }, orderBy: { serviceDate: 'asc' } }),
  ]);
  const nameOf = (id: string | null | undefined) => (id ? (staff.find((s) => s.id === id)?.name ?? id) : null);
  return {
    vehicle: { vin, plate: vehicle.plate, model: vehicle.model, storeId: vehicle.storeId, customer: { name: vehicle.customer.name, phone: vehicle.customer.phone } },
    sale: {
      deliveryDate: vehicle.deliveryDate.toISOString().slice(0, 10),
      consultant: nameOf(vehicle.salesConsultantId),
      priceCny: vehicle.salePriceCny?.toFixed(2) ?? null,
      contacts: vehicle.tasks.map((t) => ({ kind: t.kind, rule: t.rule, status: t.status, dueAt: t.dueAt, completedAt: t.completedAt, completedBy: t.completedBy })),
    },
    service: {
      visits: vehicle.repairOrders.map((o) => {
        const survey = vehicle.surveys.find((s) => s.cycle === o.cycle);
        const ticket = vehicle.failureTickets.find((t) => t.cycle === o.cycle);
        const received = documents.find((d) => d.repairOrderId === o.id);
        return {
          cycle: o.cycle,
          status: o.status,
          walkIn: o.booking?.channel === 'WALK_IN',
          reception: o.checkedInAt && {
            checkedInAt: o.checkedInAt,
            mileageKm: o.checkInMileageKm,
            receivedBy: nameOf(o.receivedBy),
            fuelLevel: o.fuelLevel,
            walkAroundFindings: o.walkAroundFindings,
            itemsLeftInCar: o.itemsLeftInCar,
            promisedReadyAt: o.promisedReadyAt,
          },
          dispatch: { advisor: nameOf(o.booking?.advisorId), technician: nameOf(o.booking?.technicianId), bayId: o.booking?.bayId ?? null, handedOverAt: o.handedOverAt, items: o.items.map((i) => ({ description: i.description, laborHours: i.laborHours, priceCny: i.priceCny.toFixed(2), additional: i.additional, approved: i.approved })) },
          settlement: o.deliveredAt && { deliveredAt: o.deliveredAt, settledCny: o.settledCny?.toFixed(2) ?? null, underpaid: o.underpaid },
          survey: survey && { recordedAt: survey.recordedAt, attitudeScore: survey.attitudeScore, qualityScore: survey.qualityScore },
          // R18 / R24: the service-failure ticket the visit's follow-up call opened, to its own page.
          ticket: ticket && { id: ticket.workflowId, grade: ticket.grade, rule: ticket.rule },
          // R23: the documents as customer relations received them (only a delivered visit's are complete).
          documents: received ? { receivedAt: received.receivedAt, receivedBy: nameOf(received.receivedBy) } : null,
          delivered: o.deliveredAt !== null,
        };
      }),
      imported: imported.map((v) => ({ repairOrderNo: v.repairOrderNo, serviceDate: v.serviceDate.toISOString().slice(0, 10), mileageKm: v.mileageKm, description: v.description, amountCny: v.amountCny?.toFixed(2) ?? null })),
    },
  };
}

export type VehicleFiles = NonNullable<Awaited<ReturnType<typeof vehicleFiles>>>;

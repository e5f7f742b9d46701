// R25: what the API and the fleet page read of a store's fleets: the accounts, and one fleet with its
// contacts, vehicles and requests (status, deadline, whether the answer is overdue, the store's answer).
import type { Db } from '../activities/database';
import { isAnswerOverdue } from '../domain/fleetRequest';
import { HttpError } from './httpError';

export interface FleetSummary {
  id: string;
  name: string;
  vehicles: number;
  openRequests: number;
  overdueRequests: number;
}

export async function fleetsOf(db: Db, storeId: string, now: Date): Promise<FleetSummary[]> {
  const fleets = await db.fleetAccount.findMany({
    where: { storeId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, _count: { select: { vehicles: true } }, requests: { where: { status: 'OPEN' }, select: { answerBy: true, answeredAt: true } } },
  });
  return fleets.map((f) => ({
    id: f.id,
    name: f.name,
    vehicles: f._count.vehicles,
    openRequests: f.requests.length,
    overdueRequests: f.requests.filter((r) => isAnswerOverdue(r, now.getTime())).length,
  }));
}

export interface FleetRequestView {
  id: string;
  vins: string[];
  requestedFor: Date;
  service: string;
  receivedAt: Date;
  receivedBy: string;
  answerBy: Date;
  status: 'OPEN' | 'ANSWERED';
  overdue: boolean;
  escalatedAt: Date | null;
  answer: { time: Date; place: string; answeredAt: Date; answeredBy: string } | null;
}

export interface FleetView {
  id: string;
  storeId: string;
  name: string;
  note: string | null;
  contacts: { name: string; phone: string; email: string | null }[];
  vehicles: { vin: string; plate: string; model: string }[];
  requests: FleetRequestView[];
}

/** One fleet of the store, newest requests first; 404 when the store has no such fleet. */
export async function fleetOf(db: Db, storeId: string, fleetId: string, now: Date): Promise<FleetView> {
  const fleet = await db.fleetAccount.findFirst({
    where: { id: fleetId, storeId },
    include: {
      contacts: { orderBy: { name: 'asc' } },
      vehicles: { orderBy: { plate: 'asc' }, select: { vin: true, plate: true, model: true } },
      requests: { orderBy: { receivedAt: 'desc' }, include: { vehicles: { select: { vin: true } } } },
    },
  });
  if (!fleet) throw new HttpError(404, `no fleet ${fleetId}`);
  return {
    id: fleet.id,
    storeId: fleet.storeId,
    name: fleet.name,
    note: fleet.note,
    contacts: fleet.contacts.map((c) => ({ name: c.name, phone: c.phone, email: c.email })),
    vehicles: fleet.vehicles,
    requests: fleet.requests.map((r) => ({
      id: r.id,
      vins: r.vehicles.map((v) => v.vin),
      requestedFor: r.requestedFor,
      service: r.service,
      receivedAt: r.receivedAt,
      receivedBy: r.receivedBy,
      answerBy: r.answerBy,
      status: r.status,
      overdue: isAnswerOverdue(r, now.getTime()),
      escalatedAt: r.escalatedAt,
      answer: r.answeredAt && r.answeredTime && r.answeredPlace && r.answeredBy ? { time: r.answeredTime, place: r.answeredPlace, answeredAt: r.answeredAt, answeredBy: r.answeredBy } : null,
    })),
  };
}

// R6 / R8: when a booking's parts will be in the store, and whether that is in time for the booked day.
// Pure: stock, reservations and purchase orders are passed in.

export interface PartNeed {
  partNumber: string;
  quantity: number;
}

export interface PartSupply {
  partNumber: string;
  onHand: number;
  /** Already promised to other bookings. */
  reserved: number;
  /** Days a new order takes to arrive. */
  leadDays: number;
  /** Open purchase orders, in any order. */
  incoming: { quantity: number; expectedAt: number }[];
}

export type PartSource = 'STOCK' | 'PURCHASE_ORDER' | 'ORDER_NEEDED';

export interface PartReadiness {
  partNumber: string;
  quantity: number;
  source: PartSource;
  readyAt: number;
}

export interface PartsReadiness {
  /** When the last part is in: now when everything is on the shelf. */
  readyAt: number;
  parts: PartReadiness[];
}

const DAY_MS = 86_400_000;

/**
 * Free stock serves first; what is short is covered by open purchase orders in order of arrival, after
 * the quantities earlier bookings are already waiting for; what no order covers needs a new order and
 * its lead time.
 */
export function partsReadiness(needs: PartNeed[], supplies: PartSupply[], now: number): PartsReadiness {
  const parts = needs.map((need): PartReadiness => {
    const supply = supplies.find((s) => s.partNumber === need.partNumber);
    if (!supply) return { ...need, source: 'ORDER_NEEDED', readyAt: now + 3 * DAY_MS };
    const free = supply.onHand - supply.reserved;
    if (free >= need.quantity) return { ...need, source: 'STOCK', readyAt: now };
    // Bookings already waiting for this part (reserved beyond what is on hand) are served by incoming orders first.
    let waitingBefore = Math.max(0, -free);
    let short = need.quantity - Math.max(0, free);
    for (const order of [...supply.incoming].sort((a, b) => a.expectedAt - b.expectedAt)) {
      const forEarlier = Math.min(waitingBefore, order.quantity);
      waitingBefore -= forEarlier;
      short -= order.quantity - forEarlier;
      if (short <= 0) return { ...need, source: 'PURCHASE_ORDER', readyAt: Math.max(now, order.expectedAt) };
    }
    return { ...need, source: 'ORDER_NEEDED', readyAt: now + supply.leadDays * DAY_MS };
  });
  return { readyAt: parts.reduce((latest, p) => Math.max(latest, p.readyAt), now), parts };
}

/** R6 / R8: parts that will not be in before the booked time make the booking late: propose another time. */
export function partsLate(readiness: PartsReadiness, bookedFor: number): boolean {
  return readiness.readyAt > bookedFor;
}

/** R6: the label on the basket a technician picks the parts into. */
export function basketLabel(plate: string, bookedDate: string, technician: string): string {
  return `${plate} · ${bookedDate} · ${technician}`;
}

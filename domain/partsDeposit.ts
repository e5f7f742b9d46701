// R6b (004 #16): parts the store must order for one booking are bought for that customer; when they are
// expensive, the customer pays at least half their price before they are ordered, so a customer who
// does not come does not leave the store with parts nobody else needs.
import { addDays, localDate, localTime } from './calendar';
import type { StoreSettings } from './storeSettings';

const DAY_MS = 86_400_000;

export interface PartToOrder {
  partNumber: string;
  quantity: number;
  priceCny: number;
  /** Days an order of this part takes to arrive. */
  leadDays: number;
}

// A type, not an interface: it travels in audit events' JSON.
export type DepositAsked = {
  /** The price of the parts to order. */
  partsCny: number;
  /** What the customer pays before they are ordered: half the parts' price, rounded up to the yuan. */
  depositCny: number;
  /** The longest lead time among them: the order must go out this many days before the booked time. */
  leadDays: number;
};

/** The deposit a booking's parts to order ask for; undefined when they are not expensive (or the store asks none: 0). */
export function partsDeposit(toOrder: PartToOrder[], s: Pick<StoreSettings, 'partsDepositFromCny'>): DepositAsked | undefined {
  const partsCny = toOrder.reduce((sum, p) => sum + p.quantity * p.priceCny, 0);
  if (s.partsDepositFromCny <= 0 || toOrder.length === 0 || partsCny < s.partsDepositFromCny) return undefined;
  return { partsCny, depositCny: Math.ceil(partsCny / 2), leadDays: Math.max(...toOrder.map((p) => p.leadDays)) };
}

/** Whether an amount paid covers the deposit asked: at least half the parts' price. */
export function depositCovered(paidCny: number, asked: Pick<DepositAsked, 'depositCny'>): boolean {
  return paidCny >= asked.depositCny;
}

/** The last moment the parts can be ordered and still arrive by the booked time. */
export function partsOrderBy(bookedForMs: number, leadDays: number): number {
  return bookedForMs - leadDays * DAY_MS;
}

/**
 * When the SA calls a customer whose deposit has not come in: at the start of contact hours the day
 * before the order must go out, so a day remains to pay; at once when that is already past.
 */
export function depositCallAt(orderByMs: number, nowMs: number, s: Pick<StoreSettings, 'contactStartTime' | 'utcOffsetMinutes'>): number {
  const dayBefore = addDays(localDate(orderByMs, s.utcOffsetMinutes), -1);
  return Math.max(nowMs, localTime(dayBefore, s.contactStartTime, s.utcOffsetMinutes));
}

// R6b: the deposit expensive parts to order ask for, and when the SA calls about one not paid.
import { depositCallAt, depositCovered, partsDeposit, partsOrderBy } from '../../domain/partsDeposit';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';

const HOUR = 3_600_000;
const turbo = { partNumber: 'TURBO-06K', quantity: 1, priceCny: 4801, leadDays: 5 };
const pads = { partNumber: 'PADS', quantity: 2, priceCny: 499.5, leadDays: 3 };

test('R6b: parts to order costing the threshold or more ask half their price, rounded up to the yuan, before the longest lead time', () => {
  expect(partsDeposit([turbo, pads], { partsDepositFromCny: 2000 })).toEqual({ partsCny: 5800, depositCny: 2900, leadDays: 5 });
  expect(partsDeposit([turbo], { partsDepositFromCny: 2000 })).toEqual({ partsCny: 4801, depositCny: 2401, leadDays: 5 });
  expect(partsDeposit([pads], { partsDepositFromCny: 999 })).toEqual({ partsCny: 999, depositCny: 500, leadDays: 3 });
});

test('R6b: cheaper parts, nothing to order, or a store that asks no deposits (0): none', () => {
  expect(partsDeposit([pads], { partsDepositFromCny: 1000 })).toBeUndefined();
  expect(partsDeposit([], { partsDepositFromCny: 1 })).toBeUndefined();
  expect(partsDeposit([turbo], { partsDepositFromCny: 0 })).toBeUndefined();
});

test('R6b: at least half covers the deposit, less does not', () => {
  expect(depositCovered(2401, { depositCny: 2401 })).toBe(true);
  expect(depositCovered(5000, { depositCny: 2401 })).toBe(true);
  expect(depositCovered(2400.99, { depositCny: 2401 })).toBe(false);
});

test.each([
  ['China (+08:00)', 480, '2026-12-19T01:00:00.000Z'],
  ['Los Angeles (−08:00)', -480, '2026-12-19T17:00:00.000Z'],
])('R6b: the SA calls at the start of contact hours the day before the order must go out, %s', (_zone, utcOffsetMinutes, expected) => {
  const s = { ...DEFAULT_STORE_SETTINGS, utcOffsetMinutes };
  // Booked 2026-12-25 10:00 store time; parts with 5 days' lead time must be ordered by 2026-12-20 10:00.
  const bookedFor = Date.parse('2026-12-25T10:00:00.000Z') - utcOffsetMinutes * 60_000;
  const orderBy = partsOrderBy(bookedFor, 5);
  expect(orderBy).toBe(bookedFor - 5 * 24 * HOUR);
  expect(new Date(depositCallAt(orderBy, Date.parse('2026-12-01T00:00:00Z'), s)).toISOString()).toBe(expected);
  // Booked too late for that: the call is owed at once.
  const now = orderBy - HOUR;
  expect(depositCallAt(orderBy, now, s)).toBe(now);
});

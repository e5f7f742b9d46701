import { basketLabel, partsLate, partsReadiness, PartSupply } from '../../domain/partsReadiness';
import { orderBoard, partsState } from '../../domain/preparationBoard';

const NOW = Date.parse('2026-11-23T01:00:00Z');
const DAY = 86_400_000;
const filter = (over: Partial<PartSupply> = {}): PartSupply => ({ partNumber: 'FILTER', onHand: 5, reserved: 2, leadDays: 3, incoming: [], ...over });

describe('R6 partsReadiness: when a booking\'s parts will be in', () => {
  test('R6: free stock (on hand less what other bookings hold) serves at once', () => {
    expect(partsReadiness([{ partNumber: 'FILTER', quantity: 3 }], [filter()], NOW)).toEqual({
      readyAt: NOW,
      parts: [{ partNumber: 'FILTER', quantity: 3, source: 'STOCK', readyAt: NOW }],
    });
  });

  test('R6: what is short comes with the first purchase order that covers it', () => {
    const supply = filter({ onHand: 1, reserved: 0, incoming: [{ quantity: 2, expectedAt: NOW + 4 * DAY }, { quantity: 1, expectedAt: NOW + 2 * DAY }] });
    // 1 on the shelf, 1 arriving in 2 days, the third in the order arriving in 4 days.
    expect(partsReadiness([{ partNumber: 'FILTER', quantity: 3 }], [supply], NOW).readyAt).toBe(NOW + 4 * DAY);
    expect(partsReadiness([{ partNumber: 'FILTER', quantity: 2 }], [supply], NOW).parts[0]).toMatchObject({ source: 'PURCHASE_ORDER', readyAt: NOW + 2 * DAY });
  });

  test('R6: bookings already waiting for a part are served by incoming orders first', () => {
    // 2 reserved beyond the 1 on hand: the next order's 2 pieces are theirs.
    const supply = filter({ onHand: 1, reserved: 3, incoming: [{ quantity: 2, expectedAt: NOW + DAY }, { quantity: 5, expectedAt: NOW + 5 * DAY }] });
    expect(partsReadiness([{ partNumber: 'FILTER', quantity: 1 }], [supply], NOW).parts[0]).toMatchObject({ source: 'PURCHASE_ORDER', readyAt: NOW + 5 * DAY });
  });

  test('R6: what no order covers needs a new order and takes the part\'s lead time', () => {
    const result = partsReadiness([{ partNumber: 'FILTER', quantity: 9 }], [filter({ incoming: [{ quantity: 2, expectedAt: NOW + DAY }] })], NOW);
    expect(result.parts[0]).toMatchObject({ source: 'ORDER_NEEDED', readyAt: NOW + 3 * DAY });
  });

  test('R6: the booking is ready when its last part is', () => {
    const pads: PartSupply = { partNumber: 'PADS', onHand: 0, reserved: 0, leadDays: 7, incoming: [] };
    const result = partsReadiness([{ partNumber: 'FILTER', quantity: 1 }, { partNumber: 'PADS', quantity: 1 }], [filter(), pads], NOW);
    expect(result.readyAt).toBe(NOW + 7 * DAY);
  });
});

test('R6 R8: parts arriving after the booked time make the booking late, to be proposed another time', () => {
  const readiness = { readyAt: NOW + 3 * DAY, parts: [] };
  expect(partsLate(readiness, NOW + 2 * DAY)).toBe(true);
  expect(partsLate(readiness, NOW + 3 * DAY)).toBe(false);
});

test('R6: the basket is labelled with plate, booked date and technician', () => {
  expect(basketLabel('苏F12345', '2026-11-25', '张师傅')).toBe('苏F12345 · 2026-11-25 · 张师傅');
});

describe('R6 preparation board', () => {
  test('R6 R8: ordered by booked day, then urgency (safety, comeback 返修, complaint, ordinary), then time', () => {
    const at = (iso: string) => Date.parse(iso);
    const board = orderBoard(
      [
        { bookingId: 'ordinary-early', bookedFor: at('2026-11-24T01:00:00Z'), priority: null },
        { bookingId: 'next-day-safety', bookedFor: at('2026-11-25T01:00:00Z'), priority: 'SAFETY' as const },
        { bookingId: 'complaint', bookedFor: at('2026-11-24T02:00:00Z'), priority: 'COMPLAINT' as const },
        { bookingId: 'comeback-late', bookedFor: at('2026-11-24T07:00:00Z'), priority: 'COMEBACK' as const },
        { bookingId: 'safety', bookedFor: at('2026-11-24T08:00:00Z'), priority: 'SAFETY' as const },
        // 23:30 UTC on the 23rd is 07:30 on the 24th in the store: the same local day.
        { bookingId: 'ordinary-first-thing', bookedFor: at('2026-11-23T23:30:00Z'), priority: null },
      ],
      480,
    );
    expect(board.map((b) => b.bookingId)).toEqual(['safety', 'comeback-late', 'complaint', 'ordinary-first-thing', 'ordinary-early', 'next-day-safety']);
    expect(board[0].bookedDate).toBe('2026-11-24');
  });

  test('R6: the parts column says whether the parts are picked, in stock, on order in time, or late', () => {
    const booked = NOW + 2 * DAY;
    expect(partsState([], null, booked, NOW)).toBe('NONE');
    expect(partsState([{ status: 'PICKED' }, { status: 'RETURNED' }], NOW, booked, NOW)).toBe('PICKED');
    expect(partsState([{ status: 'RESERVED' }], NOW, booked, NOW)).toBe('IN_STOCK');
    expect(partsState([{ status: 'RESERVED' }], NOW + DAY, booked, NOW)).toBe('ON_ORDER');
    expect(partsState([{ status: 'RESERVED' }], NOW + 3 * DAY, booked, NOW)).toBe('LATE');
  });
});

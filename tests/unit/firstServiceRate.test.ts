// R22 the first-service booked-arrival rate per consultant and month: the base (deliveries of month N-3
// plus earlier no-shows), what counts as arrived, in the store's own days.
import { localTime } from '../../domain/calendar';
import { FirstServiceRows, firstServiceRates } from '../../reports/firstServiceRate';

describe.each([
  ['Shanghai (UTC+8)', 480],
  ['UTC−8', -480],
])('R22 first-service arrival rate for December 2026, store in %s', (_zone, offset) => {
  const at = (day: string, hhmm = '10:00') => new Date(localTime(day, hhmm, offset));
  const car = (n: number, consultantId: string | null, deliveryDate: string) => ({ vin: `LSVF1RST00000000${n}`, consultantId, deliveryDate });
  const booking = (n: number, day: string, status: string, extra: { cycle?: number; channel?: string; hhmm?: string } = {}) => ({
    vin: `LSVF1RST00000000${n}`,
    cycle: extra.cycle ?? 1,
    channel: extra.channel ?? 'PHONE',
    status,
    bookedFor: at(day, extra.hhmm),
  });
  const rows: FirstServiceRows = {
    vehicles: [
      car(1, 'sc-a', '2026-09-05'),
      car(2, 'sc-a', '2026-09-20'),
      car(3, 'sc-a', '2026-09-28'),
      car(4, 'sc-a', '2026-08-10'),
      car(5, 'sc-a', '2026-07-01'),
      car(6, 'sc-a', '2026-09-15'),
      car(7, 'sc-b', '2026-10-01'),
      car(8, 'sc-b', '2026-09-11'),
      car(9, null, '2026-09-01'),
    ],
    firstServiceCycles: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ vin: `LSVF1RST00000000${n}`, cycle: 1 })),
    bookings: [
      booking(1, '2026-12-03', 'ARRIVED'),
      booking(2, '2026-12-10', 'NO_SHOW'),
      // Came early, in November: the first service is done.
      booking(3, '2026-11-20', 'ARRIVED'),
      // Delivered in August, missed November's booking, came in December: an earlier no-show that arrived.
      booking(4, '2026-11-05', 'NO_SHOW'),
      booking(4, '2026-12-15', 'ARRIVED'),
      // Missed October, came in November: no longer owed, not in December's base.
      booking(5, '2026-10-01', 'NO_SHOW'),
      booking(5, '2026-11-02', 'ARRIVED'),
      // A walk-in is not a booked arrival.
      booking(6, '2026-12-01', 'ARRIVED', { channel: 'WALK_IN' }),
      booking(7, '2026-12-20', 'ARRIVED'),
      // The second service is not the first; the first service in January is after the month.
      booking(8, '2026-12-05', 'ARRIVED', { cycle: 2 }),
      booking(8, '2027-01-02', 'ARRIVED'),
      // 23:30 on New Year's Eve, store time: still December.
      booking(9, '2026-12-31', 'ARRIVED', { hhmm: '23:30' }),
    ],
  };
  const rates = firstServiceRates(rows, '2026-12', offset);
  const of = (id: string | null) => rates.find((r) => r.consultantId === id)!;

  test('the base: September deliveries plus earlier no-shows not yet come, per consultant', () => {
    expect(rates.map((r) => r.consultantId)).toEqual(['sc-a', 'sc-b', null]);
    expect(of('sc-a').base.map((c) => [c.vin.slice(-1), c.why])).toEqual([
      ['1', 'DELIVERED_N3'],
      ['2', 'DELIVERED_N3'],
      ['3', 'DELIVERED_N3'],
      ['4', 'EARLIER_NO_SHOW'],
      ['6', 'DELIVERED_N3'],
    ]);
    expect(of('sc-b').base.map((c) => c.vin.slice(-1))).toEqual(['8']);
  });

  test('arrived: a booked first-service visit by the end of the month, in store time', () => {
    expect(of('sc-a').base.filter((c) => c.arrivedOn).map((c) => [c.vin.slice(-1), c.arrivedOn])).toEqual([
      ['1', '2026-12-03'],
      ['3', '2026-11-20'],
      ['4', '2026-12-15'],
    ]);
    expect([of('sc-a').arrived, of('sc-a').rate, of('sc-a').meetsTarget]).toEqual([3, 3 / 5, false]);
    expect([of('sc-b').arrived, of('sc-b').rate]).toEqual([0, 0]);
    expect(of(null).base).toEqual([{ vin: 'LSVF1RST000000009', why: 'DELIVERED_N3', arrivedOn: '2026-12-31' }]);
    expect(of(null).meetsTarget).toBe(true);
  });
});

// The capacity view's layout (R8): slots of the store's grid, reservations placed as blocks over the
// slots they take, closed hours shaded, and the day's bar of booked · bookable 80% · reserved 20%.
import { bayRow, capacityBar, capacityBarSvg, gridColumns, hourHeaders, minuteOfDay } from '../../web/capacityGrid';

const h = (hours: number, minutes = 0) => hours * 60 + minutes;

describe('R8 capacity grid columns', () => {
  test('one column per grid slot; hours outside the opening window are closed', () => {
    const columns = gridColumns({ start: h(7, 30), end: h(18, 30) }, { start: h(8, 30), end: h(17, 30) }, 30);
    expect(columns).toHaveLength(22);
    expect(columns[0]).toEqual({ minute: h(7, 30), label: '07:30', hourStart: true, closed: true });
    expect(columns.filter((c) => !c.closed).map((c) => c.label)).toEqual(expect.arrayContaining(['08:30', '17:00']));
    expect(columns.find((c) => c.label === '17:30')!.closed).toBe(true);
    expect(columns.filter((c) => !c.closed)).toHaveLength(18);
  });

  test('a closed day (holiday) shades every column', () => {
    expect(gridColumns({ start: h(8), end: h(10) }, null, 15).every((c) => c.closed)).toBe(true);
  });

  test('ends off the grid widen to the next grid line', () => {
    const columns = gridColumns({ start: h(8, 10), end: h(9, 5) }, { start: h(8), end: h(10) }, 15);
    expect(columns.map((c) => c.label)).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00']);
  });

  test('hour headers span the columns of their hour', () => {
    const columns = gridColumns({ start: h(8, 30), end: h(10) }, null, 15);
    expect(hourHeaders(columns)).toEqual([
      { hour: '08:30', span: 2 },
      { hour: '09:00', span: 4 },
    ]);
  });

  test('minutes of the store day from an instant and the local midnight', () => {
    const midnight = Date.parse('2026-11-23T00:00:00+08:00');
    expect(minuteOfDay(Date.parse('2026-11-23T09:45:00+08:00'), midnight)).toBe(h(9, 45));
  });
});

describe('R8 reservations placed on a bay row', () => {
  const columns = gridColumns({ start: h(8), end: h(12) }, { start: h(8, 30), end: h(11, 30) }, 30);

  test('a block spans the slots it takes; free slots keep their closed shading', () => {
    const { cells, unplaced } = bayRow(columns, [{ start: h(9), end: h(10, 30), plate: '苏A1' }], 30);
    expect(unplaced).toEqual([]);
    expect(cells.map((c) => (c.kind === 'block' ? `B${c.span}` : c.closed ? 'x' : '.'))).toEqual(['x', '.', 'B3', '.', '.', 'x']);
    // Every column is accounted for exactly once.
    expect(cells.reduce((n, c) => n + (c.kind === 'block' ? c.span : 1), 0)).toBe(columns.length);
  });

  test('a job shorter than a slot still takes its slot; off-grid starts round outwards', () => {
    const { cells } = bayRow(columns, [{ start: h(9, 10), end: h(9, 20) }], 30);
    expect(cells.filter((c) => c.kind === 'block').map((c) => c.kind === 'block' && c.span)).toEqual([1]);
  });

  test('a reservation past the shown hours is clipped and marked', () => {
    const { cells } = bayRow(columns, [{ start: h(11), end: h(14) }], 30);
    const block = cells.find((c) => c.kind === 'block');
    expect(block).toMatchObject({ span: 2, clippedStart: false, clippedEnd: true });
  });

  test('back-to-back reservations sit side by side; an unplaced one is listed apart, never hidden', () => {
    const a = { start: h(9), end: h(10), id: 'a' };
    const b = { start: h(10), end: h(11), id: 'b' };
    const clash = { start: h(9, 30), end: h(10, 30), id: 'clash' };
    const { cells, unplaced } = bayRow(columns, [b, clash, a], 30);
    expect(cells.filter((c) => c.kind === 'block').map((c) => c.kind === 'block' && c.item.id)).toEqual(['a', 'b']);
    expect(unplaced.map((r) => r.id)).toEqual(['clash']);
  });

  test('a reservation outside the shown hours is listed apart', () => {
    expect(bayRow(columns, [{ start: h(20), end: h(21) }], 30).unplaced).toHaveLength(1);
  });
});

describe('R8 capacity bar: 80% bookable, 20% reserved', () => {
  test('ordinary bookings within the bookable share', () => {
    expect(capacityBar({ bookableMinutes: 864, reservedMinutes: 216 }, 432)).toEqual({ bookableMinutes: 864, reservedMinutes: 216, bookedMinutes: 432, bookedInBookable: 432, bookedInReserve: 0, load: 0.5 });
  });

  test('priority jobs past the bookable share show in the reserve', () => {
    const bar = capacityBar({ bookableMinutes: 864, reservedMinutes: 216 }, 900);
    expect(bar).toMatchObject({ bookedInBookable: 864, bookedInReserve: 36 });
    expect(bar.load).toBeCloseTo(900 / 864);
  });

  test('a closed day has nothing to book', () => {
    expect(capacityBar({ bookableMinutes: 0, reservedMinutes: 0 }, 0).load).toBe(0);
  });

  test('the SVG marks the 80% line where the bookable share ends and escapes its title', () => {
    const svg = capacityBarSvg(capacityBar({ bookableMinutes: 80, reservedMinutes: 20 }, 40), '<总计>', 100);
    expect(svg).toContain('<line x1="80" x2="80"');
    expect(svg).toContain('<rect x="0" y="2" width="40" height="12" class="booked"/>');
    expect(svg).not.toContain('<总计>');
  });
});

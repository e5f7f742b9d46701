import { bookingTimeRefusal, StoreHours } from '../../domain/bookingHours';

const CHINA = 480;
const NOW = Date.parse('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const at = (local: string) => Date.parse(`${local}+08:00`);
const noHours: StoreHours = { utcOffsetMinutes: CHINA, openingHours: [], holidays: [], contactStartTime: '09:00', contactEndTime: '18:00' };
const weekdays: StoreHours = {
  ...noHours,
  openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })),
  holidays: ['2026-12-25'],
};

describe('R5/R8 a booking falls in the store hours', () => {
  it('a store without opening hours takes bookings in its contact hours, every day', () => {
    expect(bookingTimeRefusal(at('2026-12-08T10:00:00'), NOW, noHours)).toBeUndefined();
    expect(bookingTimeRefusal(at('2026-12-13T09:00:00'), NOW, noHours)).toBeUndefined(); // Sunday
    expect(bookingTimeRefusal(at('2026-12-08T03:00:00'), NOW, noHours)?.reason).toBe('OUTSIDE_HOURS');
    expect(bookingTimeRefusal(at('2026-12-08T18:00:00'), NOW, noHours)?.message).toBe("2026-12-08 18:00 is outside the store's hours (09:00–18:00)");
  });

  it('a store with opening hours: its weekdays, its hours, not its holidays', () => {
    expect(bookingTimeRefusal(at('2026-12-08T08:30:00'), NOW, weekdays)).toBeUndefined();
    expect(bookingTimeRefusal(at('2026-12-08T08:29:00'), NOW, weekdays)?.reason).toBe('OUTSIDE_HOURS');
    expect(bookingTimeRefusal(at('2026-12-12T10:00:00'), NOW, weekdays)?.reason).toBe('CLOSED'); // Saturday
    expect(bookingTimeRefusal(at('2026-12-25T10:00:00'), NOW, weekdays)?.reason).toBe('HOLIDAY');
  });

  it('store-local days, whatever the UTC date: 08:30 Tuesday in Shanghai is Monday in UTC', () => {
    expect(bookingTimeRefusal(Date.parse('2026-12-08T00:30:00Z'), NOW, weekdays)).toBeUndefined();
  });

  it('after now and within a year', () => {
    expect(bookingTimeRefusal(NOW, NOW, noHours)?.reason).toBe('PAST');
    expect(bookingTimeRefusal(at('2027-12-07T10:01:00'), NOW, noHours)?.reason).toBe('TOO_FAR');
    expect(bookingTimeRefusal(at('2027-12-06T10:00:00'), NOW, noHours)).toBeUndefined();
  });

  it('a store open around the clock takes any future time', () => {
    const allDay: StoreHours = { ...noHours, contactStartTime: '00:00', contactEndTime: '24:00' };
    expect(bookingTimeRefusal(at('2026-12-31T23:59:00'), NOW, allDay)).toBeUndefined();
    expect(bookingTimeRefusal(at('2026-12-08T03:00:00'), NOW, allDay)).toBeUndefined();
  });
});

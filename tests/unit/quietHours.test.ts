// Quiet hours: customer messages wait for the store's contact hours on the store's clock.
import { contactHours, DEFAULT_CONTACT_HOURS, heldUntil } from '../../domain/quietHours';

const HOURS = { start: '09:00', end: '20:00' };

describe('quiet hours', () => {
  it('within the contact hours nothing is held (Shanghai, UTC+8)', () => {
    expect(heldUntil(new Date('2026-11-22T01:00:00Z'), 'Asia/Shanghai', HOURS)).toBeUndefined(); // 09:00 local
    expect(heldUntil(new Date('2026-11-22T11:59:00Z'), 'Asia/Shanghai', HOURS)).toBeUndefined(); // 19:59 local
  });

  it('late in the evening a message waits for 09:00 the next local day', () => {
    expect(heldUntil(new Date('2026-11-22T12:00:00Z'), 'Asia/Shanghai', HOURS)?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // 20:00 local
    expect(heldUntil(new Date('2026-11-22T15:30:00Z'), 'Asia/Shanghai', HOURS)?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // 23:30 local
  });

  it('early in the morning a message waits for 09:00 the same local day, even when UTC is still on the day before', () => {
    expect(heldUntil(new Date('2026-11-22T22:00:00Z'), 'Asia/Shanghai', HOURS)?.toISOString()).toBe('2026-11-23T01:00:00.000Z'); // 06:00 local on the 23rd
  });

  it('the store time zone decides, including a DST change (Berlin, last Sunday of March)', () => {
    expect(heldUntil(new Date('2027-03-28T00:30:00Z'), 'Europe/Berlin', HOURS)?.toISOString()).toBe('2027-03-28T07:00:00.000Z'); // 09:00 CEST
    expect(heldUntil(new Date('2026-11-22T06:00:00Z'), 'Europe/Berlin', HOURS)?.toISOString()).toBe('2026-11-22T08:00:00.000Z'); // 09:00 CET
  });

  it('contact hours come from the store settings; unusable values fall back to 09:00–20:00', () => {
    expect(contactHours({ messageStartTime: '08:30', messageEndTime: '21:00' })).toEqual({ start: '08:30', end: '21:00' });
    expect(contactHours({ messageStartTime: '9:00' })).toEqual(DEFAULT_CONTACT_HOURS);
    expect(contactHours({ messageStartTime: '21:00', messageEndTime: '08:00' })).toEqual(DEFAULT_CONTACT_HOURS);
    expect(contactHours(null)).toEqual(DEFAULT_CONTACT_HOURS);
  });
});

describe('a store whose message hours end at 24:00', () => {
  it('holds nothing from its start to midnight', () => {
    const hours = contactHours({ messageStartTime: '00:00', messageEndTime: '24:00' });
    expect(hours).toEqual({ start: '00:00', end: '24:00' });
    expect(heldUntil(new Date('2026-12-31T15:59:00Z'), 'Asia/Shanghai', hours)).toBeUndefined();
  });
});

import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

describe('DEFAULT_STORE_SETTINGS', () => {
  it('R1: 6 months / 5,000 km without a service plan, 40 km/day for a new car', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ defaultIntervalMonths: 6, defaultIntervalKm: 5000, newCarDailyKm: 40 });
  });

  it('R1b: first service within 3 months of delivery', () => {
    expect(DEFAULT_STORE_SETTINGS.firstServiceWithinMonths).toBe(3);
  });

  it('R2: reminder 13 days before due, from 09:00 at +08:00', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ reminderLeadDays: 13, contactStartTime: '09:00', utcOffsetMinutes: 480 });
  });

  it('R3: call 11 days before due, done by 18:00', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ callLeadDays: 11, contactEndTime: '18:00' });
  });

  it('R7: confirmation call 2 days before the booked day', () => {
    expect(DEFAULT_STORE_SETTINGS.confirmationLeadDays).toBe(2);
  });

  it('R14: progress check at 80% of the repair time', () => {
    expect(DEFAULT_STORE_SETTINGS.progressCheckFraction).toBe(0.8);
  });

  it('R15: jobs up to 48 h get 1 hour notice, longer ones 4 hours', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ shortJobMaxHours: 48, shortJobNoticeHours: 1, longJobNoticeHours: 4 });
  });

  it('R17: follow-up on day 3, day 2 for a first service, window closes after day 5', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ followUpDays: 3, firstServiceFollowUpDays: 2, followUpWindowEndDays: 5 });
  });
});

describe('resolveStoreSettings', () => {
  it('no stored settings gives the defaults', () => {
    for (const stored of [undefined, null, {}, 'settings', 42, []]) {
      expect(resolveStoreSettings(stored)).toEqual(DEFAULT_STORE_SETTINGS);
    }
  });

  it('a stored value of the right type overrides the default', () => {
    const resolved = resolveStoreSettings({ utcOffsetMinutes: 540, contactStartTime: '08:30', followUpDays: 2 });
    expect(resolved).toMatchObject({ utcOffsetMinutes: 540, contactStartTime: '08:30', followUpDays: 2 });
    expect(resolved.reminderLeadDays).toBe(13);
  });

  it('a wrong-typed value falls back to the default', () => {
    const resolved = resolveStoreSettings({
      utcOffsetMinutes: '+08:00',
      contactStartTime: 900,
      shortJobMaxHours: '72',
      firstServiceWithinMonths: null,
      progressCheckFraction: true,
    });
    expect(resolved).toEqual(DEFAULT_STORE_SETTINGS);
  });

  it('unknown keys are dropped', () => {
    expect(resolveStoreSettings({ colour: 'red', reminderLeadDays: 10 })).not.toHaveProperty('colour');
  });

  it('returns a new object and leaves the defaults untouched', () => {
    const resolved = resolveStoreSettings({ reminderLeadDays: 10 });
    expect(resolved).not.toBe(DEFAULT_STORE_SETTINGS);
    expect(DEFAULT_STORE_SETTINGS.reminderLeadDays).toBe(13);
  });
});

describe('resolveStoreSettings rejects unusable values', () => {
  it.each([
    ['contactStartTime', '9:00'],
    ['contactEndTime', '25:00'],
    ['progressCheckFraction', 80],
    ['reminderLeadDays', -13],
    ['utcOffsetMinutes', 100000],
    // Whole days, minutes, hours within a range the store can use (issue 14).
    ['reminderLeadDays', 1.5],
    ['reminderLeadDays', 1e308],
    ['pageAckMinutes', 0.5],
    ['defaultIntervalKm', 0],
    ['contactStartTime', '24:00'],
    ['messageStartTime', '7:00'],
  ])('%s = %p falls back to the default', (key, value) => {
    const resolved = resolveStoreSettings({ [key]: value }) as unknown as Record<string, unknown>;
    expect(resolved[key]).toBe((DEFAULT_STORE_SETTINGS as unknown as Record<string, unknown>)[key]);
  });
});

describe('the day may end at 24:00 and the message hours are settings', () => {
  it('a store open around the clock', () => {
    expect(resolveStoreSettings({ contactStartTime: '00:00', contactEndTime: '24:00', messageEndTime: '24:00' })).toMatchObject({ contactStartTime: '00:00', contactEndTime: '24:00', messageEndTime: '24:00' });
  });

  it('message hours default to 09:00–20:00 and take a store value', () => {
    expect(DEFAULT_STORE_SETTINGS).toMatchObject({ messageStartTime: '09:00', messageEndTime: '20:00' });
    expect(resolveStoreSettings({ messageStartTime: '08:30' }).messageStartTime).toBe('08:30');
  });
});

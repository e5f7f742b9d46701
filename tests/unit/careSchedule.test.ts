import {
  birthdayGreeting,
  CareOccurrence,
  firstServiceConfirmationCall,
  holidayGreeting,
  inManagementSample,
  inspectionReminder,
  insuranceRenewalReminder,
  isMonthDay,
  managementCallback,
  monthlyCallback,
  newCarSurveyCall,
  usageFollowUpCall,
  yearlyCallback,
} from '../../domain/careSchedule';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../../domain/storeSettings';

const s = DEFAULT_STORE_SETTINGS; // +08:00, contact hours 09:00–18:00 (01:00–10:00 UTC)
const iso = (ms: number) => new Date(ms).toISOString();
const readable = (o: CareOccurrence | undefined) => o && { occasion: o.occasion, at: iso(o.at), by: iso(o.by) };

describe('newCarSurveyCall', () => {
  it('R20: 7DC call on day 7 after delivery from 09:00, to be made by 18:00 on day 9', () => {
    expect(readable(newCarSurveyCall('2026-03-10', false, '2026-03-10', s))).toEqual({
      occasion: '2026-03-19',
      at: '2026-03-17T01:00:00.000Z',
      by: '2026-03-19T10:00:00.000Z',
    });
  });

  it('R20: day 10 for a car sold by a secondary dealer', () => {
    expect(readable(newCarSurveyCall('2026-03-10', true, '2026-03-10', s))).toEqual({
      occasion: '2026-03-22',
      at: '2026-03-20T01:00:00.000Z',
      by: '2026-03-22T10:00:00.000Z',
    });
  });

  it('R20: day 7 crosses a month end', () => {
    expect(readable(newCarSurveyCall('2026-01-28', false, '2026-01-28', s))?.at).toBe('2026-02-04T01:00:00.000Z');
  });

  it('R20: still owed (at once) while its window is open, over once the window has closed', () => {
    expect(readable(newCarSurveyCall('2026-03-10', false, '2026-03-19', s))?.at).toBe('2026-03-17T01:00:00.000Z');
    expect(newCarSurveyCall('2026-03-10', false, '2026-03-20', s)).toBeUndefined();
  });

  it('R20: a store with its own days, a one-day window and a -05:00 offset', () => {
    const west = resolveStoreSettings({ utcOffsetMinutes: -300, newCarSurveyDays: 5, secondaryDealerSurveyDays: 8, careCallDays: 1 });
    expect(readable(newCarSurveyCall('2026-03-10', false, '2026-03-10', west))).toEqual({
      occasion: '2026-03-15',
      at: '2026-03-15T14:00:00.000Z',
      by: '2026-03-15T23:00:00.000Z',
    });
    expect(readable(newCarSurveyCall('2026-03-10', true, '2026-03-10', west))?.at).toBe('2026-03-18T14:00:00.000Z');
  });
});

describe('usageFollowUpCall', () => {
  it('R22: the sales consultant calls 45 days after delivery (10 March + 45 = 24 April)', () => {
    expect(readable(usageFollowUpCall('2026-03-10', '2026-03-10', s))).toEqual({
      occasion: '2026-04-26',
      at: '2026-04-24T01:00:00.000Z',
      by: '2026-04-26T10:00:00.000Z',
    });
  });

  it('R22: 45 days across the year end (20 November + 45 = 4 January)', () => {
    expect(readable(usageFollowUpCall('2026-11-20', '2026-11-20', s))?.at).toBe('2027-01-04T01:00:00.000Z');
  });

  it('R22: over once its window has closed', () => {
    expect(usageFollowUpCall('2026-03-10', '2026-04-27', s)).toBeUndefined();
  });
});

describe('firstServiceConfirmationCall', () => {
  it('R22: a week before the 3-month first-service deadline (10 June → 3 June)', () => {
    expect(readable(firstServiceConfirmationCall('2026-03-10', '2026-03-10', s))).toEqual({
      occasion: '2026-06-05',
      at: '2026-06-03T01:00:00.000Z',
      by: '2026-06-05T10:00:00.000Z',
    });
  });

  it('R22: a deadline on a day the month lacks falls on its last day (30 Nov + 3 months = 28 Feb → 21 Feb)', () => {
    expect(readable(firstServiceConfirmationCall('2026-11-30', '2026-11-30', s))?.at).toBe('2027-02-21T01:00:00.000Z');
  });

  it('R22: follows the store\'s R1b months and lead days', () => {
    const store = resolveStoreSettings({ firstServiceWithinMonths: 2, firstServiceConfirmationLeadDays: 10 });
    // 10 May − 10 days
    expect(readable(firstServiceConfirmationCall('2026-03-10', '2026-03-10', store))?.at).toBe('2026-04-30T01:00:00.000Z');
  });
});

describe('birthdayGreeting', () => {
  it('R21: 5 days before the birthday at 09:00 store time; no one owes a message, so `by` is `at`', () => {
    expect(readable(birthdayGreeting('06-15', '2026-03-10', s))).toEqual({
      occasion: '2026-06-15',
      at: '2026-06-10T01:00:00.000Z',
      by: '2026-06-10T01:00:00.000Z',
    });
  });

  it('R21: once this year\'s birthday is handled, next year\'s', () => {
    expect(readable(birthdayGreeting('06-15', '2026-06-16', s))?.at).toBe('2027-06-10T01:00:00.000Z');
  });

  it('R21: a birthday still ahead when care begins after its greeting day is greeted at once', () => {
    expect(readable(birthdayGreeting('06-15', '2026-06-13', s))).toMatchObject({ occasion: '2026-06-15', at: '2026-06-10T01:00:00.000Z' });
  });

  it('R21: a 3 January birthday is greeted on 29 December of the year before', () => {
    expect(readable(birthdayGreeting('01-03', '2026-12-01', s))).toMatchObject({ occasion: '2027-01-03', at: '2026-12-29T01:00:00.000Z' });
  });

  it('R21: 29 February is the 28th in common years and the 29th in leap years', () => {
    expect(readable(birthdayGreeting('02-29', '2026-03-01', s))).toMatchObject({ occasion: '2027-02-28', at: '2027-02-23T01:00:00.000Z' });
    expect(readable(birthdayGreeting('02-29', '2027-03-01', s))).toMatchObject({ occasion: '2028-02-29', at: '2028-02-24T01:00:00.000Z' });
  });

  it('R21: the store chooses 2–7 days; other values fall back to 5', () => {
    expect(readable(birthdayGreeting('06-15', '2026-03-10', resolveStoreSettings({ birthdayGreetingLeadDays: 7 })))?.at).toBe('2026-06-08T01:00:00.000Z');
    expect(readable(birthdayGreeting('06-15', '2026-03-10', resolveStoreSettings({ birthdayGreetingLeadDays: 2 })))?.at).toBe('2026-06-13T01:00:00.000Z');
    expect(resolveStoreSettings({ birthdayGreetingLeadDays: 8 }).birthdayGreetingLeadDays).toBe(5);
    expect(resolveStoreSettings({ birthdayGreetingLeadDays: 1 }).birthdayGreetingLeadDays).toBe(5);
  });

  it('R21: birthdays are MM-DD that exist in some year', () => {
    expect(['02-29', '12-31', '01-01'].map(isMonthDay)).toEqual([true, true, true]);
    expect(['02-30', '13-01', '2-3', '1990-02-03', ''].map(isMonthDay)).toEqual([false, false, false, false, false]);
  });
});

describe('inspectionReminder', () => {
  it('R21: annual inspection (年审) reminder one week before the inspection date', () => {
    expect(readable(inspectionReminder('2026-09-20', '2026-03-10', s))).toEqual({
      occasion: '2026-09-20',
      at: '2026-09-13T01:00:00.000Z',
      by: '2026-09-13T01:00:00.000Z',
    });
  });

  it('R21: then every year on the same day', () => {
    expect(readable(inspectionReminder('2026-09-20', '2026-09-21', s))).toMatchObject({ occasion: '2027-09-20', at: '2027-09-13T01:00:00.000Z' });
  });

  it('R21: a first inspection two years away is not announced in the years before', () => {
    expect(readable(inspectionReminder('2028-05-01', '2026-03-10', s))).toMatchObject({ occasion: '2028-05-01', at: '2028-04-24T01:00:00.000Z' });
  });

  it('R21: an inspection date already past when care begins recurs from this year on', () => {
    expect(readable(inspectionReminder('2025-04-01', '2026-03-10', s))).toMatchObject({ occasion: '2026-04-01', at: '2026-03-25T01:00:00.000Z' });
  });
});

describe('insuranceRenewalReminder', () => {
  it('R21: insurance renewal (续保) reminder one week before the renewal date, then yearly', () => {
    expect(readable(insuranceRenewalReminder('2026-12-31', '2026-03-10', s))).toMatchObject({ occasion: '2026-12-31', at: '2026-12-24T01:00:00.000Z' });
    expect(readable(insuranceRenewalReminder('2026-12-31', '2027-01-01', s))).toMatchObject({ occasion: '2027-12-31', at: '2027-12-24T01:00:00.000Z' });
  });

  it('R21: the store\'s own lead days', () => {
    expect(readable(insuranceRenewalReminder('2026-12-31', '2026-03-10', resolveStoreSettings({ insuranceReminderLeadDays: 30 })))?.at).toBe('2026-12-01T01:00:00.000Z');
  });
});

describe('monthly and yearly callbacks', () => {
  it('R20: the one-month callback (月回访) on the same day a month after delivery, within the call window', () => {
    expect(readable(monthlyCallback('2026-03-10', '2026-03-10', s))).toEqual({ occasion: '2026-04-12', at: '2026-04-10T01:00:00.000Z', by: '2026-04-12T10:00:00.000Z' });
  });

  it('R20: a delivery on 31 January is called back on the last day of February', () => {
    expect(monthlyCallback('2027-01-31', '2027-01-31', s)?.at).toBe(Date.parse('2027-02-28T01:00:00.000Z'));
  });

  it('R20: the one-year callback (年回访) a year after delivery', () => {
    expect(readable(yearlyCallback('2026-03-10', '2026-03-10', s))).toEqual({ occasion: '2027-03-12', at: '2027-03-10T01:00:00.000Z', by: '2027-03-12T10:00:00.000Z' });
  });

  it('R20: callbacks whose window closed before care began are not owed', () => {
    expect(monthlyCallback('2025-01-10', '2026-03-10', s)).toBeUndefined();
    expect(yearlyCallback('2025-01-10', '2026-03-10', s)).toBeUndefined();
  });
});

describe('managementCallback', () => {
  const vins = Array.from({ length: 1000 }, (_, i) => `LSVAU2180N2${String(i).padStart(6, '0')}`);

  it('R20: management (三级回访) samples about one new car in five, the same cars every time it is asked', () => {
    const sampled = vins.filter((v) => inManagementSample(v, 5));
    expect(sampled.length).toBeGreaterThan(150);
    expect(sampled.length).toBeLessThan(250);
    expect(vins.filter((v) => inManagementSample(v, 5))).toEqual(sampled);
    expect(inManagementSample(sampled[0].toLowerCase(), 5)).toBe(true);
  });

  it('R20: a sampled car is called a quarter after delivery; an unsampled one never; 0 samples none', () => {
    const sampled = vins.find((v) => inManagementSample(v, 5))!;
    const skipped = vins.find((v) => !inManagementSample(v, 5))!;
    expect(readable(managementCallback(sampled, '2026-03-10', '2026-03-10', s))).toEqual({ occasion: '2026-06-12', at: '2026-06-10T01:00:00.000Z', by: '2026-06-12T10:00:00.000Z' });
    expect(managementCallback(skipped, '2026-03-10', '2026-03-10', s)).toBeUndefined();
    expect(vins.some((v) => inManagementSample(v, 0))).toBe(false);
    expect(vins.every((v) => inManagementSample(v, 1))).toBe(true);
  });
});

describe('holidayGreeting', () => {
  it('R21: the next holiday of the store\'s list, greeted the day before at 09:00, with its name', () => {
    expect(holidayGreeting('2026-11-22', s)).toEqual({ occasion: '2027-01-01', at: Date.parse('2026-12-31T01:00:00.000Z'), by: Date.parse('2026-12-31T01:00:00.000Z'), holiday: '元旦' });
  });

  it('R21: lunar holidays are listed by their date in a given year and greeted once', () => {
    expect(holidayGreeting('2027-02-02', s)).toMatchObject({ occasion: '2027-02-06', holiday: '春节' });
    expect(holidayGreeting('2027-02-07', s)).toMatchObject({ occasion: '2027-02-14', holiday: '情人节' });
    expect(holidayGreeting('2027-10-02', s)).toMatchObject({ occasion: '2028-01-01', holiday: '元旦' });
  });

  it('R21: a store greets its own holidays; an empty list greets none; a malformed list falls back to the default', () => {
    const own = resolveStoreSettings({ holidayGreetings: '03-08 妇女节', holidayGreetingLeadDays: 0 });
    expect(holidayGreeting('2026-11-22', own)).toMatchObject({ occasion: '2027-03-08', holiday: '妇女节', at: Date.parse('2027-03-08T01:00:00.000Z') });
    expect(holidayGreeting('2026-11-22', resolveStoreSettings({ holidayGreetings: '' }))).toBeUndefined();
    expect(resolveStoreSettings({ holidayGreetings: '13-01 bad' }).holidayGreetings).toBe(s.holidayGreetings);
    expect(resolveStoreSettings({ holidayGreetings: '01-01' }).holidayGreetings).toBe(s.holidayGreetings);
  });
});

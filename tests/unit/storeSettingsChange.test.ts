import { rejectedSettings } from '../../api/storeSettingsRoutes';

describe('which requested store settings a manager cannot set', () => {
  it('usable values of known settings pass', () => {
    expect(rejectedSettings({ reminderLeadDays: 14, contactStartTime: '08:30', progressCheckFraction: 0.75, holidayGreetings: '01-01 元旦' })).toEqual([]);
  });

  it('unknown keys and values the settings refuse are named, each with the reason', () => {
    expect(rejectedSettings({ reminderLeadDay: 14, contactStartTime: '8:30', progressCheckFraction: 80, birthdayGreetingLeadDays: 10, reminderLeadDays: '14' })).toEqual([
      'reminderLeadDay: no such setting',
      'contactStartTime: "8:30" is not a usable value',
      'progressCheckFraction: 80 is not a usable value',
      'birthdayGreetingLeadDays: 10 is not a usable value',
      'reminderLeadDays: "14" is not a usable value',
    ]);
  });
});

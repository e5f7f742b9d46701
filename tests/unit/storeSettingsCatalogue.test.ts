// The settings page shows, for every store setting, the values the store accepts: these must be the
// bounds the settings' own rules keep to (a value outside them is refused by the settings command and
// ignored by resolveStoreSettings), and every setting needs its words in both languages.
import { rejectedSettings } from '../../commands/storeSettings';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { SETTINGS_CATALOGUE, SettingEffect } from '../../domain/storeSettingsCatalogue';
import { STORE_SETUP_TEXT } from '../../web/text/storeSetup';
import { rangeText } from '../../web/pages/storeSetup';

const usable = (key: string, value: unknown) => rejectedSettings({ [key]: value }).length === 0;
const keys = Object.keys(DEFAULT_STORE_SETTINGS);

test('every setting is in the catalogue, in the order the settings are declared', () => {
  expect(Object.keys(SETTINGS_CATALOGUE)).toEqual(keys);
  for (const info of Object.values(SETTINGS_CATALOGUE)) {
    expect(info.rule).toMatch(/^R\d/);
    expect(info.effects.length).toBeGreaterThan(0);
  }
});

test.each(keys)('%s: the range shown is the range the store accepts', (key) => {
  const range = SETTINGS_CATALOGUE[key as keyof typeof SETTINGS_CATALOGUE].range;
  const fallback = (DEFAULT_STORE_SETTINGS as unknown as Record<string, unknown>)[key];
  expect(usable(key, fallback)).toBe(true);
  switch (range.kind) {
    case 'whole': {
      const step = range.step ?? 1;
      expect([usable(key, range.min), usable(key, range.max)]).toEqual([true, true]);
      expect([usable(key, range.min - step), usable(key, range.max + step)]).toEqual([false, false]);
      expect(usable(key, range.min + 0.5)).toBe(false);
      if (range.step) expect(usable(key, range.min + 1)).toBe(false);
      break;
    }
    case 'number':
      expect([usable(key, range.min), usable(key, range.max), usable(key, range.min + 0.5)]).toEqual([true, true, true]);
      expect([usable(key, range.min - 1), usable(key, range.max + 1)]).toEqual([false, false]);
      break;
    case 'fraction':
      expect([usable(key, range.min), usable(key, range.max)]).toEqual([!range.minExcluded, !range.maxExcluded]);
      expect([usable(key, range.min + 0.01), usable(key, range.max - 0.01)]).toEqual([true, true]);
      expect([usable(key, range.min - 0.01), usable(key, range.max + 0.01)]).toEqual([false, false]);
      break;
    case 'time':
      expect([usable(key, '00:00'), usable(key, '23:59'), usable(key, '24:00'), usable(key, '25:00'), usable(key, '9:00')]).toEqual([true, true, range.upTo24, false, false]);
      break;
    case 'holidayList':
      expect([usable(key, '10-01 国庆节, 2027-02-06 春节'), usable(key, '国庆节')]).toEqual([true, false]);
      break;
  }
});

test('every setting and every effect reads in Chinese and in English', () => {
  const effects = new Set<SettingEffect>(Object.values(SETTINGS_CATALOGUE).flatMap((i) => i.effects));
  for (const key of [...keys.map((k) => `setting.${k}`), ...[...effects].map((e) => `settingEffect.${e}`)]) {
    expect([key, STORE_SETUP_TEXT[key]?.every((t) => t.length > 0)]).toEqual([key, true]);
  }
});

test('ranges in the reader\'s words', () => {
  expect(rangeText('zh', SETTINGS_CATALOGUE.reminderLeadDays.range)).toBe('0 至 3,650 的整数');
  expect(rangeText('en', SETTINGS_CATALOGUE.slotGridMinutes.range)).toBe('a whole number from 5 to 240, a multiple of 5');
  expect(rangeText('en', SETTINGS_CATALOGUE.bookableCapacityFraction.range)).toBe('0 < value ≤ 1');
  expect(rangeText('zh', SETTINGS_CATALOGUE.messageEndTime.range)).toBe('时间 00:00–24:00');
});

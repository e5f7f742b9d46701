// The slot picker's partial (issue 15): free times to choose, refused ones shown with the reason, another
// time typed in; a refused form shown again keeps what was sent; the handler reads the one time sent.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { label, Lang, text } from '../../web/i18n';
import { sentString } from '../../web/commandForms';
import { PickerDay, slotPickerView } from '../../web/slotPicker';

// The helpers the partial uses, as web/render.ts registers them.
const hb = Handlebars.create();
const lang = (options: Handlebars.HelperOptions): Lang => (options.data.root.lang === 'en' ? 'en' : 'zh');
hb.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => text(lang(options), key));
hb.registerHelper('label', (kind: string, value: string, options: Handlebars.HelperOptions) => label(lang(options), kind, value));
const partial = hb.compile(readFileSync(path.join(__dirname, '../../web/views/_slotPicker.hbs'), 'utf8'));

const time = (date: string, hhmm: string, reason?: PickerDay['times'][number]['reason']) => ({
  start: `${date}T${hhmm}:00+08:00`,
  local: `${date}T${hhmm}`,
  label: hhmm,
  free: reason === undefined,
  ...(reason ? { reason } : {}),
});
const DAYS: PickerDay[] = [
  { date: '2026-11-27', weekday: 5, times: [time('2026-11-27', '08:30', 'MORNING_RUSH'), time('2026-11-27', '09:00'), time('2026-11-27', '09:15', 'BAY_BUSY'), time('2026-11-27', '09:30')] },
  { date: '2026-11-28', weekday: 6, closed: 'HOLIDAY', times: [] },
  { date: '2026-11-29', weekday: 0, times: [] },
];

const render = (value?: string, language: Lang = 'zh', error?: string) => partial({ lang: language, ...slotPickerView({ name: 'bookedFor', days: DAYS, value, error }) });
const radios = (html: string) => [...html.matchAll(/<input type="radio"[^>]*>/g)].map((m) => m[0]);

test('free times are radios carrying the store time; refused ones are disabled with the reason (zh first)', () => {
  const html = render();
  expect(radios(html)).toEqual([
    '<input type="radio" name="bookedFor" value="2026-11-27T08:30" disabled>',
    '<input type="radio" name="bookedFor" value="2026-11-27T09:00" >',
    '<input type="radio" name="bookedFor" value="2026-11-27T09:15" disabled>',
    '<input type="radio" name="bookedFor" value="2026-11-27T09:30" >',
    '<input type="radio" name="bookedFor" value="" >',
  ]);
  expect(html).toContain('<label class="slot refused" data-reason="MORNING_RUSH" title="早高峰，不安排预约到店">');
  expect(html).toContain('<small>工位已被占用</small>');
  expect(html.match(/class="slot free"/g)).toHaveLength(2);
  expect(html).toContain('2026-11-27 周五');
  expect(html).toContain('<span class="slot-closed" data-reason="HOLIDAY">节假日休息</span>');
  expect(html).toContain('<span class="slot-none">当天已无可选时间</span>');
  expect(html).toContain('<input type="datetime-local" name="bookedFor" value="" >');
  expect(html).not.toContain('field-error');
});

test('in English the same reasons read in English', () => {
  const html = render(undefined, 'en');
  expect(html).toContain('title="Morning rush: no booked arrivals"');
  expect(html).toContain('2026-11-27 Fri');
  expect(html).toContain('Another time');
});

test('a refused form shown again: a free time sent is checked; any other time sent is kept in the typed-in field', () => {
  const chosen = render('2026-11-27T09:30');
  expect(radios(chosen).filter((r) => r.includes('checked'))).toEqual(['<input type="radio" name="bookedFor" value="2026-11-27T09:30" checked>']);
  expect(chosen).toContain('<input type="datetime-local" name="bookedFor" value="" >');

  for (const typed of ['2026-11-27T09:15', '2026-12-03T10:00']) {
    const html = render(typed, 'zh', '预约时间不可用');
    expect(radios(html).filter((r) => r.includes('checked'))).toEqual(['<input type="radio" name="bookedFor" value="" checked>']);
    expect(html).toContain(`<input type="datetime-local" name="bookedFor" value="${typed}" aria-invalid="true">`);
    expect(html).toContain('<span class="field-error" data-field="bookedFor">预约时间不可用</span>');
  }
});

test('the time sent is the chosen radio, else the typed-in one', () => {
  // A form posts the field once per input carrying it, in page order: the checked radio, then the typed-in time.
  expect(sentString(['2026-11-27T09:30', ''])).toBe('2026-11-27T09:30');
  expect(sentString(['2026-11-27T09:30', '2026-12-03T10:00'])).toBe('2026-11-27T09:30');
  expect(sentString(['', '2026-12-03T10:00'])).toBe('2026-12-03T10:00');
  expect(sentString('2026-12-03T10:00')).toBe('2026-12-03T10:00');
  expect(sentString('')).toBeUndefined();
  expect(sentString(undefined)).toBeUndefined();
});

// Every message the rules name (R2, R10, R11, R13, R15, R17, R18/R24, R20–R22) renders in both languages
// with its sample data; strict mode turns a missing variable into an error instead of a blank.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_CATALOG } from '../../notifications/catalog';
import { defaultTemplate, LOCALES, parseTemplateText, renderTemplate, renderText, TemplateError } from '../../notifications/templates';

const SHANGHAI = 'Asia/Shanghai';

describe('default templates', () => {
  it('every catalogued message has a template file in zh-CN and en, and no file is left without an entry', () => {
    const files = readdirSync(path.join(__dirname, '../../notifications/templates')).sort();
    const expected = TEMPLATE_CATALOG.flatMap((e) => LOCALES.map((l) => `${e.key}.${l}.hbs`)).sort();
    expect(files).toEqual(expected);
    expect(new Set(TEMPLATE_CATALOG.map((e) => e.rule))).toEqual(new Set(['R2', 'R10', 'R11', 'R13', 'R15', 'R17', 'R18', 'R20', 'R21', 'R22']));
  });

  for (const entry of TEMPLATE_CATALOG) {
    for (const locale of LOCALES) {
      it(`${entry.rule} ${entry.key} (${locale}) renders with its sample data, every placeholder filled`, () => {
        const source = defaultTemplate(entry.key, locale);
        const out = renderTemplate(source, entry.sample, { locale, timeZone: SHANGHAI });
        expect(out.subject.length).toBeGreaterThan(3);
        expect(out.body.length).toBeGreaterThan(20);
        expect(out.subject + out.body).not.toMatch(/\{\{|\}\}|undefined|Invalid Date/);
        for (const [name, value] of Object.entries(entry.sample)) {
          const shownAsIs = typeof value === 'string' && !/^\d{4}-\d\d-\d\d/.test(value) && (source.subject + source.body).includes(`{{${name}}}`);
          if (shownAsIs) expect(out.subject + out.body).toContain(value);
        }
      });

      it(`${entry.key} (${locale}) fails on each missing variable`, () => {
        const source = defaultTemplate(entry.key, locale);
        for (const name of Object.keys(entry.sample)) {
          if (!(source.subject + source.body).includes(name) || entry.optional?.includes(name)) continue;
          const { [name]: _dropped, ...rest } = entry.sample;
          expect(() => renderTemplate(source, rest, { locale, timeZone: SHANGHAI })).toThrow(TemplateError);
        }
      });
    }
  }
});

describe('rendering', () => {
  it('R22: an optional variable may be null: the first-service invitation without a named consultant', () => {
    const entry = TEMPLATE_CATALOG.find((e) => e.key === 'first-service-invitation')!;
    const zh = renderTemplate(defaultTemplate(entry.key, 'zh-CN'), { ...entry.sample, consultantName: null }, { locale: 'zh-CN', timeZone: SHANGHAI });
    expect(zh.body).toContain('我们的销售顾问将与您确认到店时间');
    const en = renderTemplate(defaultTemplate(entry.key, 'en'), { ...entry.sample, consultantName: null }, { locale: 'en', timeZone: SHANGHAI });
    expect(en.body).toContain('by February 20, 2027. Your sales consultant will call');
  });

  it('R11: times are shown in the store time zone and language', () => {
    const zh = renderText('{{dateTime at}}', { at: '2026-11-29T02:00:00.000Z' }, { locale: 'zh-CN', timeZone: SHANGHAI });
    const en = renderText('{{dateTime at}}', { at: '2026-11-29T02:00:00.000Z' }, { locale: 'en', timeZone: SHANGHAI });
    expect(zh).toContain('11月29日');
    expect(zh).toContain('10:00');
    expect(en).toContain('November 29');
    expect(en).toContain('10:00');
  });

  it('R2: a calendar date is the same day in any time zone', () => {
    expect(renderText('{{date d}}', { d: '2026-12-05' }, { locale: 'en', timeZone: 'America/Los_Angeles' })).toBe('December 5, 2026');
    expect(renderText('{{date d}}', { d: '2026-12-05' }, { locale: 'zh-CN', timeZone: 'Pacific/Auckland' })).toBe('2026年12月5日');
  });

  it('plain text is not HTML-escaped; the json helper quotes for JSON bodies', () => {
    expect(renderText('{{reason}}', { reason: 'parts <late> & "sorry"' }, { locale: 'en', timeZone: SHANGHAI })).toBe('parts <late> & "sorry"');
    const body = renderText('{"to":{{json to}},"text":{{json text}} }', { to: '138', text: '换行\n"引号"' }, { locale: 'en', timeZone: SHANGHAI });
    expect(JSON.parse(body)).toEqual({ to: '138', text: '换行\n"引号"' });
  });

  it('a bad date and a malformed override are clear errors', () => {
    expect(() => renderText('{{date d}}', { d: 'soon' }, { locale: 'en', timeZone: SHANGHAI })).toThrow('date needs a date');
    expect(() => parseTemplateText('no separator here')).toThrow(TemplateError);
    expect(parseTemplateText('Hello {{plate}}\n---\nBody\nline 2\n')).toEqual({ subject: 'Hello {{plate}}', body: 'Body\nline 2' });
    expect(() => renderText('{{#if}}', {}, { locale: 'en', timeZone: SHANGHAI })).toThrow(TemplateError);
  });
});

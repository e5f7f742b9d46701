// Every message the rules name (R2, R10, R11, R13, R15, R17, R18/R24, R20–R22) renders in both languages
// with its sample data; strict mode turns a missing variable into an error instead of a blank. What a
// person types is rendered on worker threads with a time budget (issue 14).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_CATALOG } from '../../notifications/catalog';
import { createPreviewRenderer, PreviewRenderer, RendererBusy, RenderOverBudget } from '../../notifications/previewRenderer';
import { defaultTemplate, LOCALES, parseTemplateText, renderTemplate, renderText, TemplateError } from '../../notifications/templates';

const SHANGHAI = 'Asia/Shanghai';

describe('default templates', () => {
  it('every catalogued message has a template file in zh-CN and en, and no file is left without an entry', () => {
    const files = readdirSync(path.join(__dirname, '../../notifications/templates')).sort();
    const expected = TEMPLATE_CATALOG.flatMap((e) => LOCALES.map((l) => `${e.key}.${l}.hbs`)).sort();
    expect(files).toEqual(expected);
    expect(new Set(TEMPLATE_CATALOG.map((e) => e.rule))).toEqual(new Set(['R2', 'R10', 'R11', 'R13', 'R15', 'R17', 'R18', 'R20', 'R21', 'R22', 'R23', 'R25']));
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

describe('the preview renderer (worker threads, time budget)', () => {
  const nested = (depth: number, inner = '') => '{{#each @root.items}}'.repeat(depth) + inner + '{{/each}}'.repeat(depth);
  const items = Array.from({ length: 20 }, (_, i) => i);
  let renderer: PreviewRenderer;

  beforeAll(() => {
    renderer = createPreviewRenderer({ budgetMs: 250, threads: 1, maxWaiting: 2, maxOutputChars: 100_000 });
  });
  afterAll(() => renderer.close());

  it('renders on its thread exactly as the sender does: same helpers, same strictness', async () => {
    for (const entry of TEMPLATE_CATALOG) {
      for (const locale of LOCALES) {
        const source = defaultTemplate(entry.key, locale);
        const settings = { locale, timeZone: SHANGHAI };
        expect(await renderer.render(source, entry.sample, settings)).toEqual(renderTemplate(source, entry.sample, settings));
      }
    }
    await expect(renderer.render({ subject: '{{plaet}}', body: 'x' }, { plate: '苏F12345' }, { locale: 'en', timeZone: SHANGHAI })).rejects.toThrow(TemplateError);
    await expect(renderer.render({ subject: 's', body: '{{date d}}' }, { d: 'soon' }, { locale: 'en', timeZone: SHANGHAI })).rejects.toThrow('date needs a date');
  });

  it('a nested each over the render budget is stopped, its thread replaced, and the renders behind it still answer', async () => {
    // 20^7 repetitions of nothing: minutes of work on one thread if nothing stopped it.
    const slow = renderer.render({ subject: 's', body: nested(7) }, { items }, { locale: 'en', timeZone: SHANGHAI });
    const behind = renderer.render({ subject: 'hello {{name}}', body: 'ok' }, { name: 'Wang' }, { locale: 'en', timeZone: SHANGHAI });
    await expect(slow).rejects.toThrow(new RenderOverBudget(250));
    await expect(slow).rejects.toThrow('the template takes too long to render');
    expect(await behind).toEqual({ subject: 'hello Wang', body: 'ok' });
    expect(renderer.stats()).toMatchObject({ threads: 1, busy: 0, replaced: 1, waiting: 0 });
  });

  it('a text that grows past the output limit is refused with its length, one past its memory as too big', async () => {
    // 20^4 = 160,000 characters, rendered in milliseconds but too long for any message.
    await expect(renderer.render({ subject: 's', body: nested(4, 'x') }, { items }, { locale: 'en', timeZone: SHANGHAI })).rejects.toThrow(/too long \(160001 characters, at most 100000\)/);
    // 20^7 × 200 characters: the thread's heap (64 MB) runs out long before the budget on a generous one.
    const roomy = createPreviewRenderer({ budgetMs: 60_000, threads: 1 });
    try {
      const long = Array.from({ length: 20 }, () => 'y'.repeat(200));
      await expect(roomy.render({ subject: 's', body: nested(7, '{{this}}') }, { items: long }, { locale: 'en', timeZone: SHANGHAI })).rejects.toThrow(new TemplateError('the template needs too much memory to render'));
      expect(roomy.stats()).toMatchObject({ replaced: 1 });
      expect(await roomy.render({ subject: 'still {{a}}', body: 'here' }, { a: 'up' }, { locale: 'en', timeZone: SHANGHAI })).toEqual({ subject: 'still up', body: 'here' });
    } finally {
      await roomy.close();
    }
  });

  it('renders beyond the waiting line are refused at once instead of piling up', async () => {
    const settings = { locale: 'en' as const, timeZone: SHANGHAI };
    const running = renderer.render({ subject: 's', body: nested(7) }, { items }, settings);
    await new Promise((r) => setTimeout(r, 20));
    const waiting = [renderer.render({ subject: 'a', body: 'a' }, {}, settings), renderer.render({ subject: 'b', body: 'b' }, {}, settings)];
    await expect(renderer.render({ subject: 'c', body: 'c' }, {}, settings)).rejects.toThrow(RendererBusy);
    await expect(running).rejects.toThrow(RenderOverBudget);
    expect((await Promise.all(waiting)).map((m) => m.subject)).toEqual(['a', 'b']);
  });
});

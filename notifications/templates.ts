// Message templates: Handlebars in strict mode, so a variable the data lacks is an error, never a blank.
// Defaults live in notifications/templates/<key>.<locale>.hbs (subject, a line `---`, body); a store may
// override any of them in the MessageTemplate table.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../activities/database';
import { catalogEntry } from './catalog';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

export interface TemplateSource {
  subject: string;
  body: string;
  origin: 'default' | 'store';
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

export interface RenderSettings {
  locale: Locale;
  /** IANA zone of the store: times read as the customer's clock reads them. */
  timeZone: string;
}

export class TemplateError extends Error {}

const TEMPLATE_DIR = path.join(__dirname, 'templates');
const SEPARATOR = /^---\s*$/m;

const hbs = Handlebars.create();

// Frames of #each copy their parent's data, so the settings reach helpers at any depth.
function settingsOf(options: Handlebars.HelperOptions): RenderSettings {
  return options.data.settings;
}

function instantOf(value: unknown, helper: string): Date {
  const date = new Date(String(value).length === 10 ? `${value}T12:00:00Z` : String(value));
  if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new TemplateError(`${helper} needs a date, got ${JSON.stringify(value)}`);
  return date;
}

// A calendar date (YYYY-MM-DD) is shown as it is; an instant in the store's time zone.
hbs.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) => {
  const { locale, timeZone } = settingsOf(options);
  const zone = typeof value === 'string' && value.length === 10 ? 'UTC' : timeZone;
  return new Intl.DateTimeFormat(locale, { timeZone: zone, year: 'numeric', month: 'long', day: 'numeric' }).format(instantOf(value, 'date'));
});
hbs.registerHelper('dateTime', (value: unknown, options: Handlebars.HelperOptions) => {
  const { locale, timeZone } = settingsOf(options);
  return new Intl.DateTimeFormat(locale, { timeZone, month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(instantOf(value, 'dateTime'));
});
hbs.registerHelper('monthDay', (value: unknown, options: Handlebars.HelperOptions) => {
  const { locale } = settingsOf(options);
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', day: 'numeric' }).format(instantOf(value, 'monthDay'));
});
// Strict mode checks plain lookups only: a list a template repeats over must be there too.
const builtInEach = hbs.helpers.each;
hbs.registerHelper('each', function (this: unknown, list: unknown, options: Handlebars.HelperOptions) {
  if (list === undefined || list === null) throw new TemplateError('a list the template repeats over (#each) is missing');
  return builtInEach.call(this, list, options);
});
// For body templates that build JSON (the SMS gateway adapter): a string literal, quotes included.
hbs.registerHelper('json', (value: unknown) => new Handlebars.SafeString(JSON.stringify(value ?? null)));

/** Splits a template file or override into subject and body; the separator line is required. */
export function parseTemplateText(text: string): { subject: string; body: string } {
  const match = SEPARATOR.exec(text);
  if (!match) throw new TemplateError('a template is a subject line, a line `---`, then the body');
  return { subject: text.slice(0, match.index).trim(), body: text.slice(match.index + match[0].length).replace(/^\r?\n/, '').trimEnd() };
}

const defaults = new Map<string, TemplateSource>();

export function defaultTemplate(key: string, locale: Locale): TemplateSource {
  if (!catalogEntry(key)) throw new TemplateError(`unknown template ${key}`);
  const id = `${key}.${locale}`;
  let source = defaults.get(id);
  if (!source) {
    source = { ...parseTemplateText(readFileSync(path.join(TEMPLATE_DIR, `${id}.hbs`), 'utf8')), origin: 'default' };
    defaults.set(id, source);
  }
  return source;
}

/** The store's own wording when it has one, else the repository's default. */
export async function resolveTemplate(db: Db, storeId: string | null | undefined, key: string, locale: Locale): Promise<TemplateSource> {
  const fallback = defaultTemplate(key, locale);
  if (!storeId) return fallback;
  const own = await db.messageTemplate.findUnique({ where: { storeId_key_locale: { storeId, key, locale } } });
  return own ? { subject: own.subject, body: own.body, origin: 'store' } : fallback;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function compile(text: string): HandlebarsTemplateDelegate {
  let fn = compiled.get(text);
  if (!fn) {
    // Messages are plain text (SMS, text mail, robot markdown): nothing is HTML-escaped.
    fn = hbs.compile(text, { strict: true, noEscape: true });
    if (compiled.size > 500) compiled.clear();
    compiled.set(text, fn);
  }
  return fn;
}

export function renderText(text: string, variables: Record<string, unknown>, settings: RenderSettings): string {
  try {
    return compile(text)(variables, { data: { settings } });
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError((err as Error).message.replace(/ in \[object Object\]/, ''));
  }
}

export function renderTemplate(source: Pick<TemplateSource, 'subject' | 'body'>, variables: Record<string, unknown>, settings: RenderSettings): RenderedMessage {
  return { subject: renderText(source.subject, variables, settings), body: renderText(source.body, variables, settings) };
}

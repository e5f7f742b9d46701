// Message templates: Handlebars in strict mode, so a variable the data lacks is an error, never a blank.
// Defaults live in notifications/templates/<key>.<locale>.hbs (subject, a line `---`, body); a store may
// override any of them in the MessageTemplate table. What a person types (a preview, an override being
// saved) is rendered off the event loop with a time budget instead: previewRenderer.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../activities/database';
import { catalogEntry } from './catalog';
// The engine (Handlebars, its helpers) is plain JavaScript so the preview's worker thread loads the same one.
import * as engine from './templateEngine';
import { TemplateError } from './templateEngine';

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

export { TemplateError };

const TEMPLATE_DIR = path.join(__dirname, 'templates');
const SEPARATOR = /^---\s*$/m;

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

/** Renders one text (strict: a missing variable is a TemplateError). Synchronous, on the caller's thread. */
export function renderText(text: string, variables: Record<string, unknown>, settings: RenderSettings): string {
  return engine.renderText(text, variables, settings);
}

export function renderTemplate(source: Pick<TemplateSource, 'subject' | 'body'>, variables: Record<string, unknown>, settings: RenderSettings): RenderedMessage {
  return engine.renderTemplate(source, variables, settings);
}

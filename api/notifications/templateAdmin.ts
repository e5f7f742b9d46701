// The message templates a store reads and tries: the catalogue, the store's overrides, the check that an
// override renders (commands/templates.ts makes it before storing one), and previews of stored or draft
// wording. What a person typed is rendered on the preview renderer's threads with a time budget (a
// template that repeats itself into the millions is refused, the API keeps answering), with the
// catalogue's sample data or a few small variables of the caller's. A person of one store reads that
// store's wording only.
import { z } from 'zod';
import type { Db } from '../../activities/database';
import { catalogEntry, TEMPLATE_CATALOG } from '../../notifications/catalog';
import { PreviewRenderer, previewRenderer, RendererBusy, RenderOverBudget } from '../../notifications/previewRenderer';
import { defaultTemplate, Locale, LOCALES, RenderedMessage, RenderSettings, resolveTemplate, TemplateError } from '../../notifications/templates';
import { inStore, Principal } from '../auth/principal';
import { HttpError } from '../httpError';
import { localeSchema } from '../../commands/contactPreferences';
import { parseInput } from './input';

export const storeIdSchema = z.string().trim().min(1).max(64);

/** How much a caller may hand a preview: enough to try a template, too little to make it expensive. */
export const PREVIEW_LIMITS = { variables: 50, text: 500, items: 20, itemText: 200, itemFields: 10, json: 16_000 } as const;

const L = PREVIEW_LIMITS;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const BAD_NAME = 'a variable name is letters, digits and _ (at most 64)';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each variable checked by hand, so the 400 names the one that is too big and by how much. */
function checkVariables(variables: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const scalar = (value: unknown, path: (string | number)[], maxText: number, what: string) => {
    if (typeof value === 'string') {
      if (value.length > maxText) issue(path, `at most ${maxText} characters (${value.length} given)`);
    } else if (!(value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) issue(path, what);
  };
  const names = Object.keys(variables);
  if (names.length > L.variables) return issue([], `at most ${L.variables} variables (${names.length} given)`);
  for (const name of names) {
    const value = variables[name];
    if (!NAME.test(name)) issue([name], BAD_NAME);
    else if (!Array.isArray(value)) scalar(value, [name], L.text, 'a text, a number, true/false, null or a list');
    else if (value.length > L.items) issue([name], `a list has at most ${L.items} items (${value.length} given)`);
    else
      value.forEach((item, i) => {
        if (!isRecord(item)) return scalar(item, [name, i], L.itemText, 'an item is a text, a number, true/false, null or a record of those');
        const fields = Object.keys(item);
        if (fields.length > L.itemFields) return issue([name, i], `an item has at most ${L.itemFields} fields (${fields.length} given)`);
        for (const field of fields) {
          if (!NAME.test(field)) issue([name, i, field], BAD_NAME);
          else scalar(item[field], [name, i, field], L.itemText, 'a text, a number, true/false or null');
        }
      });
  }
  const size = JSON.stringify(variables).length;
  if (size > L.json) issue([], `at most ${L.json} characters of variables in all (${size} given)`);
}

export const previewVariablesSchema = z
  .record(z.string(), z.unknown())
  .superRefine(checkVariables)
  .describe(
    `At most ${L.variables} variables, each a text (at most ${L.text} characters), a number, true/false, null, or a list of at most ${L.items} items ` +
      `(texts of at most ${L.itemText} characters, numbers, true/false, null, or records of at most ${L.itemFields} such fields); at most ${L.json} characters in all`,
  );

export const previewSchema = z.strictObject({
  locale: localeSchema.default('zh-CN'),
  storeId: storeIdSchema.optional(),
  /** Unsaved wording to try; the stored one (or the default) otherwise. */
  subject: z.string().max(500).optional(),
  body: z.string().max(5000).optional(),
  /** Values to render with, over the catalogue's sample data: strings, numbers, booleans, null, short lists. */
  variables: previewVariablesSchema.optional(),
});

/** A person of one store works on that store's templates and channels only. */
export function ownStore(p: Principal, storeId: string): void {
  if (!inStore(p, storeId)) throw new HttpError(403, `store ${storeId} is not yours`);
}

export async function requireStore(db: Db, storeId: string) {
  const store = await db.store.findUnique({ where: { id: storeId } });
  if (!store) throw new HttpError(422, `unknown store ${storeId}`);
  return store;
}

/**
 * A store whose wording the person may read: their own, or any for people who span stores. Another
 * store's is answered as an unknown one, so its texts and its existence stay its own.
 */
export async function readableStore(db: Db, p: Principal, storeId: string) {
  const store = inStore(p, storeId) ? await db.store.findUnique({ where: { id: storeId } }) : null;
  if (!store) throw new HttpError(404, `no store ${storeId}`);
  return store;
}

export function requireTemplateKey(key: string): string {
  if (!catalogEntry(key)) throw new HttpError(404, `no template ${key}`);
  return key;
}

function doesNotRender(key: string, locale: string, err: unknown): never {
  if (err instanceof TemplateError) throw new HttpError(422, `template ${key} (${locale}) does not render: ${err.message}`);
  if (err instanceof RenderOverBudget) throw new HttpError(422, `template ${key} (${locale}): ${err.message}`);
  if (err instanceof RendererBusy) throw new HttpError(503, err.message);
  throw err;
}

/** Renders on the renderer's threads within its budget; every refusal is an HttpError with the reason. */
export async function renderWithBudget(renderer: PreviewRenderer, key: string, source: { subject: string; body: string }, variables: Record<string, unknown>, settings: RenderSettings): Promise<RenderedMessage> {
  try {
    return await renderer.render(source, variables, settings);
  } catch (err) {
    return doesNotRender(key, settings.locale, err);
  }
}

/** The sample data with each list as long as a preview may make it: what an override must still render within budget. */
export function fullListsOf(sample: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(sample).map(([name, value]) => [name, Array.isArray(value) && value.length ? Array.from({ length: PREVIEW_LIMITS.items }, (_, i) => value[i % value.length]) : value]));
}

export async function templateCatalog(db: Db, p: Principal, storeId: string | undefined) {
  if (storeId) await readableStore(db, p, storeId);
  const own = storeId ? await db.messageTemplate.findMany({ where: { storeId }, select: { key: true, locale: true } }) : [];
  return {
    locales: LOCALES,
    templates: TEMPLATE_CATALOG.map((e) => ({
      key: e.key,
      rule: e.rule,
      audience: e.audience,
      what: e.what,
      variables: Object.keys(e.sample),
      storeOverrides: own.filter((o) => o.key === e.key).map((o) => o.locale),
    })),
  };
}

export async function templateDetail(db: Db, p: Principal, key: string, storeId: string | undefined) {
  const entry = catalogEntry(requireTemplateKey(key))!;
  if (storeId) await readableStore(db, p, storeId);
  const locales = await Promise.all(LOCALES.map(async (locale) => ({ locale, default: defaultTemplate(key, locale), current: await resolveTemplate(db, storeId, key, locale) })));
  return { ...entry, locales };
}

/**
 * Stored or draft wording rendered with the catalogue's sample data, over which the caller's (small)
 * variables go. Only people who manage templates preview (the route's policy); a store's stored wording
 * only for people of that store.
 */
export async function previewTemplate(db: Db, p: Principal, key: string, input: unknown, renderer: PreviewRenderer = previewRenderer()) {
  requireTemplateKey(key);
  const body = parseInput(previewSchema, input ?? {});
  const locale = body.locale as Locale;
  const store = body.storeId ? await readableStore(db, p, body.storeId) : undefined;
  const stored = await resolveTemplate(db, store?.id, key, locale);
  const source = { subject: body.subject ?? stored.subject, body: body.body ?? stored.body };
  const variables = { ...catalogEntry(key)!.sample, ...(store ? { storeName: store.name } : {}), ...(body.variables ?? {}) };
  const rendered = await renderWithBudget(renderer, key, source, variables, { locale, timeZone: store?.timeZone ?? 'Asia/Shanghai' });
  return { key, locale, origin: body.subject || body.body ? 'draft' : stored.origin, ...rendered };
}

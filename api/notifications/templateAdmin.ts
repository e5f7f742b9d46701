// The message templates a store reads, tries and rewords: the catalogue, the store's overrides, the
// check that an override renders before it is stored, and previews of stored or draft wording.
import { z } from 'zod';
import type { Db } from '../../activities/database';
import { catalogEntry, TEMPLATE_CATALOG } from '../../notifications/catalog';
import { defaultTemplate, Locale, LOCALES, renderTemplate, resolveTemplate, TemplateError } from '../../notifications/templates';
import { inStore, Principal } from '../auth/principal';
import { HttpError } from '../httpError';
import { localeSchema } from './contactPreferences';
import { parseInput } from './input';

export const storeIdSchema = z.string().trim().min(1).max(64);
export const templateTextSchema = z.strictObject({ storeId: storeIdSchema, subject: z.string().min(1).max(500), body: z.string().min(1).max(5000) });
export const previewSchema = z.strictObject({
  locale: localeSchema.default('zh-CN'),
  storeId: storeIdSchema.optional(),
  /** Unsaved wording to try; the stored one (or the default) otherwise. */
  subject: z.string().max(500).optional(),
  body: z.string().max(5000).optional(),
  /** Values to render with; the catalogue's sample data otherwise. */
  variables: z.record(z.string(), z.unknown()).optional(),
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

export function requireTemplateKey(key: string): string {
  if (!catalogEntry(key)) throw new HttpError(404, `no template ${key}`);
  return key;
}

function doesNotRender(key: string, locale: string, err: unknown): never {
  if (err instanceof TemplateError) throw new HttpError(422, `template ${key} (${locale}) does not render: ${err.message}`);
  throw err;
}

export async function templateCatalog(db: Db, storeId: string | undefined) {
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

export async function templateDetail(db: Db, key: string, storeId: string | undefined) {
  const entry = catalogEntry(requireTemplateKey(key))!;
  const locales = await Promise.all(LOCALES.map(async (locale) => ({ locale, default: defaultTemplate(key, locale), current: await resolveTemplate(db, storeId, key, locale) })));
  return { ...entry, locales };
}

/** A store's wording must render with the catalogue's sample data before it is stored. */
export async function saveStoreTemplate(db: Db, p: Principal, key: string, locale: Locale, input: unknown, at: Date) {
  requireTemplateKey(key);
  const body = parseInput(templateTextSchema, input ?? {});
  await requireStore(db, body.storeId);
  ownStore(p, body.storeId);
  try {
    renderTemplate(body, catalogEntry(key)!.sample, { locale, timeZone: 'Asia/Shanghai' });
  } catch (err) {
    doesNotRender(key, locale, err);
  }
  return db.messageTemplate.upsert({
    where: { storeId_key_locale: { storeId: body.storeId, key, locale } },
    create: { storeId: body.storeId, key, locale, subject: body.subject, body: body.body, updatedBy: p.id, updatedAt: at },
    update: { subject: body.subject, body: body.body, updatedBy: p.id, updatedAt: at },
  });
}

/** Back to the repository's default wording. */
export async function removeStoreTemplate(db: Db, p: Principal, key: string, locale: Locale, storeId: string): Promise<void> {
  requireTemplateKey(key);
  ownStore(p, storeId);
  const { count } = await db.messageTemplate.deleteMany({ where: { storeId, key, locale } });
  if (!count) throw new HttpError(404, `store ${storeId} has no own ${key} (${locale})`);
}

export async function previewTemplate(db: Db, key: string, input: unknown) {
  requireTemplateKey(key);
  const body = parseInput(previewSchema, input ?? {});
  const locale = body.locale as Locale;
  const store = body.storeId ? await requireStore(db, body.storeId) : undefined;
  const stored = await resolveTemplate(db, store?.id, key, locale);
  const source = { subject: body.subject ?? stored.subject, body: body.body ?? stored.body };
  const variables = { ...catalogEntry(key)!.sample, ...(store ? { storeName: store.name } : {}), ...(body.variables ?? {}) };
  try {
    const rendered = renderTemplate(source, variables, { locale, timeZone: store?.timeZone ?? 'Asia/Shanghai' });
    return { key, locale, origin: body.subject || body.body ? 'draft' : stored.origin, ...rendered };
  } catch (err) {
    return doesNotRender(key, locale, err);
  }
}

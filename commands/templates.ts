// A store's own wording of a message template, and going back to the default. The wording must render
// with the catalogue's sample data before it is stored, within the time budget and with every list as
// long as a preview may make it: the sender renders it for every message. Both are recorded in the
// store's audit chain.
import { z } from 'zod';
import { ownStore, fullListsOf, renderWithBudget, requireStore, requireTemplateKey } from '../api/notifications/templateAdmin';
import { HttpError } from '../api/httpError';
import { catalogEntry } from '../notifications/catalog';
import { previewRenderer } from '../notifications/previewRenderer';
import type { MessageTemplate } from '../generated/prisma/client';
import type { Locale } from '../notifications/templates';
import { defineCommand } from './command';
import { text } from './input';
import { recordStoreEvent } from './storeAudit';

/** A template of the catalogue in one language; the API and the pages find the key (404) and the locale first. */
export type TemplateSubject = {
  key: string;
  locale: Locale;
};

export const templateTextSchema = z.strictObject({ storeId: text({ max: 64 }), subject: text({ max: 500 }), body: text({ max: 5000, multiline: true }) });

/** The store's own wording; a store of another person's is 403, as the API has always answered. */
export const saveTemplateCommand = defineCommand<typeof templateTextSchema, MessageTemplate, TemplateSubject>({
  name: 'template.save',
  action: 'templates.manage',
  schema: templateTextSchema,
  async run({ db, principal, at }, { key, locale }, body) {
    requireTemplateKey(key);
    await requireStore(db, body.storeId);
    ownStore(principal, body.storeId);
    await renderWithBudget(previewRenderer(), key, body, fullListsOf(catalogEntry(key)!.sample), { locale, timeZone: 'Asia/Shanghai' });
    return db.$transaction(async (tx) => {
      const saved = await tx.messageTemplate.upsert({
        where: { storeId_key_locale: { storeId: body.storeId, key, locale } },
        create: { storeId: body.storeId, key, locale, subject: body.subject, body: body.body, updatedBy: principal.id, updatedAt: at },
        update: { subject: body.subject, body: body.body, updatedBy: principal.id, updatedAt: at },
      });
      await recordStoreEvent(tx, { storeId: body.storeId, action: 'template.saved', actor: principal.id, at, data: { key, locale, subject: body.subject, body: body.body } });
      return saved;
    });
  },
});

/** Back to the repository's default wording; 404 when the store has none of its own. */
const noInput = z.strictObject({});

export const resetTemplateCommand = defineCommand<typeof noInput, void, TemplateSubject & { storeId: string }>({
  name: 'template.reset',
  action: 'templates.manage',
  schema: noInput,
  otherStore: 'forbidden',
  async run({ db, principal, at }, { key, locale, storeId }) {
    requireTemplateKey(key);
    await db.$transaction(async (tx) => {
      const { count } = await tx.messageTemplate.deleteMany({ where: { storeId, key, locale } });
      if (!count) throw new HttpError(404, `store ${storeId} has no own ${key} (${locale})`);
      await recordStoreEvent(tx, { storeId, action: 'template.reset', actor: principal.id, at, data: { key, locale } });
    });
  },
});

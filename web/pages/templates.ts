// Message templates in the admin UI: the catalogue (rule, audience, variables) with the store's own
// wordings, and per template and language the default and current wording; for the managers who may, a
// preview of stored or unsaved wording with the sample data (rendered within a time budget off the event
// loop), and saving or resetting the store's wording — the API's commands (commands/templates.ts): an
// override that does not render, or takes too long to, is refused with its reason.
import express, { Request, Response, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { previewTemplate, requireTemplateKey, templateCatalog, templateDetail } from '../../api/notifications/templateAdmin';
import { runCommand } from '../../commands/command';
import { localeSchema } from '../../commands/contactPreferences';
import { resetTemplateCommand, saveTemplateCommand } from '../../commands/templates';
import type { Locale } from '../../notifications/templates';
import { HttpError } from '../../api/httpError';
import { notFound, page, WebContext } from '../context';
import { Flash, setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { REFUSALS } from '../refusal';
import { langOf, renderPage } from '../render';

interface Draft {
  locale: Locale;
  subject: string;
  body: string;
}

/** Whose templates: the person's store, or any store for people who span stores. */
function storeOf(req: Request): string {
  const p = principalOf(req);
  const asked = typeof req.query.store === 'string' ? req.query.store : typeof req.body?.store === 'string' ? req.body.store : '';
  return p.allStores && asked.trim() ? asked.trim().slice(0, 64) : p.storeId;
}

/** A refusal the person reads on the page: bad input, does not render, too slow to render, renderer busy. */
function refused(err: unknown): err is HttpError {
  return err instanceof HttpError && (REFUSALS.includes(err.status) || err.status === 503);
}

function keyOf(req: Request): string {
  try {
    return requireTemplateKey(String(req.params.key));
  } catch {
    throw notFound(`no template ${req.params.key}`);
  }
}

function localeOf(value: unknown): Locale {
  const parsed = localeSchema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0].message);
  return parsed.data as Locale;
}

function draftOf(req: Request, locale: Locale): Draft {
  const field = (name: string) => (typeof req.body?.[name] === 'string' ? (req.body[name] as string).replace(/\r\n/g, '\n') : '');
  return { locale, subject: field('subject'), body: field('body') };
}

export function templatePages(ctx: WebContext): Router {
  const router = express.Router();

  const stores = async (req: Request, storeId: string) =>
    principalOf(req).allStores ? (await ctx.db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } })).map((s) => ({ ...s, selected: s.id === storeId })) : [];

  /** The template's page; a draft stays in its form, with its preview or the reason it was refused. */
  const showTemplate = async (req: Request, res: Response, key: string, extra: { draft?: Draft; preview?: Draft & { origin: string }; flash?: Flash; status?: number } = {}) => {
    const p = principalOf(req);
    const storeId = storeOf(req);
    const detail = await templateDetail(ctx.db, p, key, storeId);
    const locales = detail.locales.map((l) => {
      const draft = extra.draft?.locale === l.locale ? extra.draft : undefined;
      return {
        locale: l.locale,
        origin: l.current.origin,
        default: l.default,
        subject: draft ? draft.subject : l.current.subject,
        body: draft ? draft.body : l.current.body,
        preview: extra.preview?.locale === l.locale ? extra.preview : undefined,
      };
    });
    res.status(extra.status ?? 200).send(
      renderPage(req, 'template', `${text(langOf(req), 'templates')}: ${key}`, {
        entry: { key: detail.key, rule: detail.rule, audience: detail.audience, what: detail.what, variables: Object.keys(detail.sample).map((v) => `{{${v}}}`), sample: JSON.stringify(detail.sample, null, 2) },
        locales,
        storeId,
        allStores: p.allStores,
        stores: await stores(req, storeId),
        manage: can(p.role, 'templates.manage'),
        flash: extra.flash ?? takeFlash(req, res),
      }),
    );
  };

  router.get('/templates', page('templates.read'), async (req, res) => {
    const storeId = storeOf(req);
    const catalog = await templateCatalog(ctx.db, principalOf(req), storeId);
    res.send(
      renderPage(req, 'templates', text(langOf(req), 'templates'), {
        templates: catalog.templates.map((t) => ({ ...t, variables: t.variables.join(', '), storeOverrides: t.storeOverrides.join(', ') })),
        storeId,
        allStores: principalOf(req).allStores,
        stores: await stores(req, storeId),
      }),
    );
  });

  router.get('/templates/:key', page('templates.read'), async (req, res) => {
    await showTemplate(req, res, keyOf(req));
  });

  router.post('/templates/:key/preview', page('templates.manage'), async (req, res) => {
    const key = keyOf(req);
    const draft = draftOf(req, localeOf(req.body?.locale));
    try {
      const rendered = await previewTemplate(ctx.db, principalOf(req), key, { locale: draft.locale, storeId: storeOf(req), subject: draft.subject, body: draft.body });
      await showTemplate(req, res, key, { draft, preview: { locale: draft.locale, subject: rendered.subject, body: rendered.body, origin: rendered.origin } });
    } catch (err) {
      if (!refused(err)) throw err;
      await showTemplate(req, res, key, { draft, flash: { kind: 'error', message: `${text(langOf(req), 'doesNotRender')}: ${err.message}` }, status: err.status });
    }
  });

  router.post('/templates/:key/:locale', page('templates.manage'), async (req, res) => {
    const key = keyOf(req);
    const lang = langOf(req);
    const draft = draftOf(req, localeOf(req.params.locale));
    const storeId = storeOf(req);
    try {
      await runCommand(ctx.commands, principalOf(req), saveTemplateCommand, { key, locale: draft.locale }, { storeId, subject: draft.subject.trim(), body: draft.body.trim() });
    } catch (err) {
      if (!refused(err)) throw err;
      return showTemplate(req, res, key, { draft, flash: { kind: 'error', message: `${text(lang, 'stepRefused')}: ${err.message}` }, status: err.status });
    }
    setFlash(res, { kind: 'ok', message: `${text(lang, 'templateSaved')}: ${key} (${draft.locale}) · ${storeId}` });
    res.redirect(`/templates/${key}?store=${encodeURIComponent(storeId)}`);
  });

  router.post('/templates/:key/:locale/reset', page('templates.manage'), async (req, res) => {
    const key = keyOf(req);
    const lang = langOf(req);
    const locale = localeOf(req.params.locale);
    const storeId = storeOf(req);
    try {
      await runCommand(ctx.commands, principalOf(req), resetTemplateCommand, { key, locale, storeId }, {});
      setFlash(res, { kind: 'ok', message: `${text(lang, 'templateReset')}: ${key} (${locale})` });
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 404)) throw err;
      setFlash(res, { kind: 'error', message: `${text(lang, 'stepRefused')}: ${err.message}` });
    }
    res.redirect(`/templates/${key}?store=${encodeURIComponent(storeId)}`);
  });
  return router;
}

// The "messages" section of a vehicle's page: its outbox rows, its customer's opt-outs and message
// language, and for whoever talks to the customer the opt-out / opt-in / language forms — the same
// shared module, checks and audit events as the API's /api/vehicles/:vin/opt-outs and customer-locale.
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { localeSchema, optBackIn, OPT_OUT_CHANNELS, optOutSchema, recordOptOut, setCustomerLocale } from '../../api/notifications/contactPreferences';
import { parseInput } from '../../api/notifications/input';
import { SETTLEABLE, vehicleMessages } from '../../api/notifications/outbox';
import { HttpError } from '../../api/httpError';
import { LOCALES } from '../../notifications/templates';
import { page, visibleVin, WebContext } from '../context';
import { setFlash } from '../flash';
import { text } from '../i18n';
import { flashOf } from '../refusal';
import { langOf } from '../render';

/** What the section shows to this person; undefined for people who neither read the outbox nor keep contact preferences. */
export async function messagesSection(ctx: WebContext, req: Request, vin: string) {
  const p = principalOf(req);
  const reads = can(p.role, 'outbox.view');
  const keeps = can(p.role, 'customer.contact-preferences');
  if (!reads && !keeps) return undefined;
  let found;
  try {
    found = await vehicleMessages(ctx.db, p, vin);
  } catch (err) {
    // Between registration and its first activity the vehicle exists only in its workflow: no messages yet.
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
  const optedOut = new Set(found.optOuts.map((o) => o.channel));
  return {
    reads,
    messages: reads ? found.messages.map((m) => ({ ...m, settle: can(p.role, 'outbox.settle') && SETTLEABLE.includes(m.status) })) : undefined,
    optOuts: found.optOuts,
    locale: found.locale,
    locales: LOCALES.map((l) => ({ value: l, selected: l === found.locale })),
    keeps,
    channelsToOptOut: OPT_OUT_CHANNELS.filter((c) => !optedOut.has(c)),
  };
}

export function contactPreferencePages(ctx: WebContext): Router {
  const router = express.Router();
  const vinOf = (req: Request) => visibleVin(ctx, req);
  const back = (vin: string) => `/vehicles/${vin}#messages`;

  router.post('/vehicles/:vin/opt-outs', page('customer.contact-preferences'), async (req, res) => {
    const vin = await vinOf(req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'optedOut'), () => recordOptOut(ctx.db, principalOf(req).id, vin, parseInput(optOutSchema, { channel: req.body?.channel, reason: req.body?.reason }), ctx.clock.now())));
    res.redirect(back(vin));
  });

  router.post('/vehicles/:vin/opt-outs/:channel/delete', page('customer.contact-preferences'), async (req, res) => {
    const vin = await vinOf(req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'optedIn'), () => optBackIn(ctx.db, principalOf(req).id, vin, parseInput(optOutSchema.shape.channel, req.params.channel), ctx.clock.now())));
    res.redirect(back(vin));
  });

  router.post('/vehicles/:vin/customer-locale', page('customer.contact-preferences'), async (req, res) => {
    const vin = await vinOf(req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'localeChanged'), () => setCustomerLocale(ctx.db, principalOf(req).id, vin, parseInput(localeSchema, req.body?.locale), ctx.clock.now())));
    res.redirect(back(vin));
  });
  return router;
}

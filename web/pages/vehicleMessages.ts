// The "messages" section of a vehicle's page: its outbox rows, its customer's opt-outs and message
// language, and for whoever talks to the customer the opt-out / opt-in / language forms — the same
// commands as the API's /api/vehicles/:vin/opt-outs and customer-locale (commands/contactPreferences.ts).
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { runCommand } from '../../commands/command';
import { customerLocaleCommand, OPT_OUT_CHANNELS, optInCommand, optOutCommand } from '../../commands/contactPreferences';
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
    setFlash(res, await flashOf(lang, text(lang, 'optedOut'), () => runCommand(ctx.commands, principalOf(req), optOutCommand, { vin }, { channel: req.body?.channel, reason: req.body?.reason })));
    res.redirect(back(vin));
  });

  router.post('/vehicles/:vin/opt-outs/:channel/delete', page('customer.contact-preferences'), async (req, res) => {
    const vin = await vinOf(req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'optedIn'), () => runCommand(ctx.commands, principalOf(req), optInCommand, { vin }, req.params.channel)));
    res.redirect(back(vin));
  });

  router.post('/vehicles/:vin/customer-locale', page('customer.contact-preferences'), async (req, res) => {
    const vin = await vinOf(req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'localeChanged'), () => runCommand(ctx.commands, principalOf(req), customerLocaleCommand, { vin }, { locale: req.body?.locale })));
    res.redirect(back(vin));
  });
  return router;
}

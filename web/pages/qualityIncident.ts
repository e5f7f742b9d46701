// R18 / R24: the page of one service-failure ticket (a quality incident when its loss made it R24) for
// the general and service managers: what happened and what it cost, where the R24 loop stands, who was
// paged and who acknowledged, and the answer.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { ticketIdSchema } from '../../commands/schemas';
import { qualityIncident } from '../../reports/qualityIncident';
import { notFound, page, WebContext } from '../context';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

export function qualityIncidentPages(ctx: WebContext): Router {
  const router = express.Router();
  router.get('/tickets/:ticketId', page('ticket.read'), async (req, res) => {
    const parsed = ticketIdSchema.safeParse(req.params.ticketId);
    if (!parsed.success) throw notFound(text(langOf(req), 'notFound'));
    const p = principalOf(req);
    // Another store's ticket does not exist for this person, like its vehicle.
    await ctx.checkVehicle(p, parsed.data.split('-')[1]);
    const incident = await qualityIncident(ctx.db, parsed.data);
    if (!incident) throw notFound(text(langOf(req), 'notFound'));
    const lang = langOf(req);
    const steps = incident.steps.map((s) => ({ ...s, stageLabel: text(lang, `incident.stage.${s.stage}`), recordLabel: s.record && text(lang, `incident.record.${s.record}`) }));
    const title = `${text(lang, incident.rule === 'R24' ? 'incidentQuality' : 'incident')} · ${incident.vehicle.plate}`;
    res.send(renderPage(req, 'qualityIncident', title, { incident: { ...incident, steps }, phone: seesPhoneNumbers(p.role) ? incident.customer.phone : maskPhone(incident.customer.phone) }));
  });
  return router;
}

// R23 one vehicle, two files: a search over the store's vehicles by date, VIN, customer name or plate, and
// one vehicle's sales file and service file on one page.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can, maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { runCommand } from '../../commands/command';
import { receiveVisitDocumentsCommand } from '../../commands/visitDocuments';
import { isCalendarDate } from '../../domain/calendar';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { searchVehicleFiles, vehicleFiles } from '../../reports/vehicleFiles';
import { notFound, page, visibleVin, WebContext } from '../context';
import { setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { flashOf } from '../refusal';
import { langOf, renderPage } from '../render';

const queryText = (value: unknown, max: number) => (typeof value === 'string' ? value.trim().slice(0, max) : '');

export function vehicleFilePages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/files', page('files.read'), async (req, res) => {
    const p = principalOf(req);
    const q = queryText(req.query.q, 40);
    const asked = { from: queryText(req.query.from, 10), to: queryText(req.query.to, 10) };
    const from = isCalendarDate(asked.from) ? asked.from : undefined;
    const to = isCalendarDate(asked.to) ? asked.to : undefined;
    const badDate = (!!asked.from && !from) || (!!asked.to && !to);
    // Dates are the person's store's days.
    const store = await ctx.db.store.findUnique({ where: { id: p.storeId }, select: { settings: true } });
    const hits = await searchVehicleFiles(ctx.db, p.allStores ? undefined : p.storeId, { q, from, to }, resolveStoreSettings(store?.settings).utcOffsetMinutes);
    const searched = !!(q || from || to);
    res.send(renderPage(req, 'vehicleFileSearch', text(langOf(req), 'vehicleFiles'), { q, from: from ?? '', to: to ?? '', badDate, searched, hits }));
  });

  router.get('/vehicles/:vin/files', page('files.read'), async (req, res) => {
    const vin = await visibleVin(ctx, req);
    const files = await vehicleFiles(ctx.db, vin);
    if (!files) throw notFound('no such vehicle');
    const p = principalOf(req);
    const phone = seesPhoneNumbers(p.role) ? files.vehicle.customer.phone : maskPhone(files.vehicle.customer.phone);
    res.send(renderPage(req, 'vehicleFiles', `${text(langOf(req), 'vehicleFiles')} · ${files.vehicle.plate}`, { ...files, phone, receives: can(p.role, 'documents.receive'), flash: takeFlash(req, res) }));
  });

  router.post('/vehicles/:vin/files/documents-received', page('documents.receive'), async (req, res) => {
    const vin = await visibleVin(ctx, req);
    const lang = langOf(req);
    setFlash(res, await flashOf(lang, text(lang, 'visitDocumentsRecorded'), () => runCommand(ctx.commands, principalOf(req), receiveVisitDocumentsCommand, { vin }, { cycle: req.body?.cycle })));
    res.redirect(`/vehicles/${vin}/files`);
  });

  return router;
}

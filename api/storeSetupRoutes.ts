// A store's set-up over HTTP: opening hours, closed days, bays, technicians, car models with their
// service plans. Reads for everyone of the store; every change is a command (commands/storeSetup.ts) for
// the managers who change settings, and a change of hours, closed days, bays or technicians answers with
// the open bookings it left out (`affectedBookings`) for a person to move.
import express, { Request, Router } from 'express';
import { CommandDeps } from '../commands/command';
import { text } from '../commands/input';
import {
  addBayCommand,
  addHolidayCommand,
  addTechnicianCommand,
  changeBayCommand,
  changeServicePlanCommand,
  changeTechnicianCommand,
  removeBayCommand,
  removeHolidayCommand,
  removeServicePlanCommand,
  removeTechnicianCommand,
  setOpeningHoursCommand,
  upsertServicePlanCommand,
} from '../commands/storeSetup';
import { authorize } from './auth/middleware';
import { storeScoped } from './capacityRoutes';
import { HttpError } from './httpError';
import { commandRunner } from './planRequests';
import { baysOf, holidaysOf, openingHoursOf, requireStore, servicePlansOf, techniciansOf } from './storeSetupView';

const id = text({ max: 64 });

/** A path parameter checked like a body field: 400 naming it. */
function param(req: Request, name: string): string {
  const parsed = id.safeParse(req.params[name]);
  if (!parsed.success) throw new HttpError(400, `${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`, [{ path: name, message: parsed.error.issues[0].message }]);
  return parsed.data;
}

export function storeSetupRoutes({ commands }: { commands: CommandDeps }): Router {
  const { db } = commands;
  const router = express.Router();
  const run = commandRunner(commands);
  const store = (req: Request) => ({ storeId: param(req, 'storeId') });
  const base = '/api/stores/:storeId';

  router.get(`${base}/opening-hours`, authorize('settings.read'), storeScoped, async (req, res) => {
    res.json(await openingHoursOf(db, store(req).storeId));
  });
  router.put(`${base}/opening-hours`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, setOpeningHoursCommand, store(req)));
  });

  router.get(`${base}/holidays`, authorize('settings.read'), storeScoped, async (req, res) => {
    const { storeId } = store(req);
    res.json({ storeId, holidays: await holidaysOf(db, storeId) });
  });
  router.post(`${base}/holidays`, authorize('settings.manage'), async (req, res) => {
    res.status(201).json(await run(req, addHolidayCommand, store(req)));
  });
  router.delete(`${base}/holidays/:date`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, removeHolidayCommand, { ...store(req), date: String(req.params.date) }, {}));
  });

  router.get(`${base}/bays`, authorize('settings.read'), storeScoped, async (req, res) => {
    const { storeId } = store(req);
    res.json({ storeId, bays: await baysOf(db, storeId) });
  });
  router.post(`${base}/bays`, authorize('settings.manage'), async (req, res) => {
    res.status(201).json(await run(req, addBayCommand, store(req)));
  });
  router.patch(`${base}/bays/:bayId`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, changeBayCommand, { ...store(req), bayId: param(req, 'bayId') }));
  });
  router.delete(`${base}/bays/:bayId`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, removeBayCommand, { ...store(req), bayId: param(req, 'bayId') }, {}));
  });

  router.get(`${base}/technicians`, authorize('settings.read'), storeScoped, async (req, res) => {
    const { storeId } = store(req);
    res.json({ storeId, technicians: await techniciansOf(db, storeId) });
  });
  router.post(`${base}/technicians`, authorize('settings.manage'), async (req, res) => {
    res.status(201).json(await run(req, addTechnicianCommand, store(req)));
  });
  router.patch(`${base}/technicians/:staffId`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, changeTechnicianCommand, { ...store(req), staffId: param(req, 'staffId') }));
  });
  router.delete(`${base}/technicians/:staffId`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, removeTechnicianCommand, { ...store(req), staffId: param(req, 'staffId') }, {}));
  });

  router.get(`${base}/service-plans`, authorize('settings.read'), storeScoped, async (req, res) => {
    const { storeId } = store(req);
    await requireStore(db, storeId);
    res.json({ storeId, servicePlans: await servicePlansOf(db) });
  });
  router.post(`${base}/service-plans`, authorize('settings.manage'), async (req, res) => {
    const saved = await run(req, upsertServicePlanCommand, store(req));
    res.status(saved.created ? 201 : 200).json(saved);
  });
  router.patch(`${base}/service-plans/:model`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, changeServicePlanCommand, { ...store(req), model: param(req, 'model') }));
  });
  router.delete(`${base}/service-plans/:model`, authorize('settings.manage'), async (req, res) => {
    res.json(await run(req, removeServicePlanCommand, { ...store(req), model: param(req, 'model') }, {}));
  });

  return router;
}

// R25 corporate fleets over HTTP: thin routes over commands/fleets.ts, the same commands the fleet page
// runs. A store, fleet or request outside the person's stores is 404, as if it did not exist.
import express, { Request, Router } from 'express';
import { CommandDeps } from '../commands/command';
import { answerFleetRequestCommand, attachFleetVehicleCommand, createFleetCommand, detachFleetVehicleCommand, editFleetCommand, recordFleetRequestCommand } from '../commands/fleets';
import { vinSchema } from '../commands/schemas';
import { authorize } from './auth/middleware';
import { storeScoped } from './capacityRoutes';
import { fleetOf, fleetsOf } from './fleetView';
import { HttpError } from './httpError';
import { commandRunner } from './planRequests';

export function fleetRoutes({ commands }: { commands: CommandDeps }): Router {
  const { db, clock } = commands;
  const router = express.Router();
  const run = commandRunner(commands);
  const store = (req: Request) => ({ storeId: String(req.params.storeId) });
  const fleet = (req: Request) => ({ ...store(req), fleetId: String(req.params.fleetId) });
  const base = '/api/stores/:storeId/fleets';

  router.get(base, authorize('fleet.read'), storeScoped, async (req, res) => {
    res.json({ ...store(req), fleets: await fleetsOf(db, store(req).storeId, clock.now()) });
  });
  router.post(base, authorize('fleet.manage'), async (req, res) => {
    res.status(201).json(await run(req, createFleetCommand, store(req)));
  });
  router.get(`${base}/:fleetId`, authorize('fleet.read'), storeScoped, async (req, res) => {
    const { storeId, fleetId } = fleet(req);
    res.json(await fleetOf(db, storeId, fleetId, clock.now()));
  });
  router.put(`${base}/:fleetId`, authorize('fleet.manage'), async (req, res) => {
    res.json(await run(req, editFleetCommand, fleet(req)));
  });
  router.post(`${base}/:fleetId/vehicles`, authorize('fleet.manage'), async (req, res) => {
    res.status(201).json(await run(req, attachFleetVehicleCommand, fleet(req)));
  });
  router.delete(`${base}/:fleetId/vehicles/:vin`, authorize('fleet.manage'), async (req, res) => {
    const vin = vinSchema.safeParse(req.params.vin);
    if (!vin.success) throw new HttpError(400, `vin: ${vin.error.issues[0].message}`, [{ path: 'vin', message: vin.error.issues[0].message }]);
    res.json(await run(req, detachFleetVehicleCommand, { ...fleet(req), vin: vin.data }, {}));
  });
  router.post(`${base}/:fleetId/requests`, authorize('fleet.request'), async (req, res) => {
    res.status(201).json(await run(req, recordFleetRequestCommand, fleet(req)));
  });
  router.post(`${base}/:fleetId/requests/:requestId/answer`, authorize('fleet.request'), async (req, res) => {
    res.json(await run(req, answerFleetRequestCommand, { ...fleet(req), requestId: String(req.params.requestId) }));
  });
  return router;
}

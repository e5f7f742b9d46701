// Staff accounts over HTTP (issue 16): thin routes over commands/staff.ts, the same commands the staff page
// runs. A store's list and its people outside the person's stores are 404, as if they did not exist.
import express, { Request } from 'express';
import { CommandDeps, runCommand } from '../commands/command';
import { addStaffCommand, changeOwnPasswordCommand, changeStaffCommand, reassignCustomersCommand, resetPasswordCommand, staffOfStore } from '../commands/staff';
import { authorize, PASSWORD_ENDPOINT, principalOf } from './auth/middleware';
import { inStore } from './auth/principal';
import { HttpError } from './httpError';

export function staffRoutes({ commands }: { commands: CommandDeps }): express.Router {
  const { db } = commands;
  const router = express.Router();
  const staffSubject = (req: Request) => ({ staffId: String(req.params.id) });

  router.get('/api/stores/:storeId/staff', authorize('staff.manage'), async (req, res) => {
    const storeId = String(req.params.storeId);
    if (!inStore(principalOf(req), storeId) || !(await commands.storeExists(storeId))) throw new HttpError(404, `no store ${storeId}`);
    res.json({ storeId, staff: await staffOfStore(db, storeId) });
  });

  router.post('/api/stores/:storeId/staff', authorize('staff.manage'), async (req, res) => {
    res.status(201).json(await runCommand(commands, principalOf(req), addStaffCommand, { storeId: String(req.params.storeId) }, req.body));
  });

  router.patch('/api/staff/:id', authorize('staff.manage'), async (req, res) => {
    res.json(await runCommand(commands, principalOf(req), changeStaffCommand, staffSubject(req), req.body));
  });

  router.post('/api/staff/:id/password-reset', authorize('staff.manage'), async (req, res) => {
    res.json(await runCommand(commands, principalOf(req), resetPasswordCommand, staffSubject(req), req.body));
  });

  router.post('/api/staff/:id/reassign-customers', authorize('staff.manage'), async (req, res) => {
    res.json(await runCommand(commands, principalOf(req), reassignCustomersCommand, staffSubject(req), req.body));
  });

  router.post(PASSWORD_ENDPOINT, authorize('password.change'), async (req, res) => {
    res.json(await runCommand(commands, principalOf(req), changeOwnPasswordCommand, {}, req.body));
  });
  return router;
}

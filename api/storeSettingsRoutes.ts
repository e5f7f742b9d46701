// A store's settings (every number the rules name) over HTTP: read them with their defaults, change some
// of them (the command in commands/storeSettings.ts: recorded in the store's audit chain, told to every
// running lifecycle and care workflow of the store).
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { CommandDeps, runCommand } from '../commands/command';
import { changeStoreSettingsCommand } from '../commands/storeSettings';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings } from '../domain/storeSettings';
import { authorize, principalOf } from './auth/middleware';
import { inStore } from './auth/principal';
import { HttpError } from './httpError';

export { rejectedSettings } from '../commands/storeSettings';

const storeIdSchema = z.string().trim().min(1).max(64);

export function storeSettingsRoutes({ commands }: { commands: CommandDeps }): express.Router {
  const { db } = commands;
  const router = express.Router();

  /** The store of the address: 400 without an id, 404 for one that does not exist or is not the person's. */
  async function storeOf(req: Request) {
    const parsed = storeIdSchema.safeParse(req.params.storeId);
    if (!parsed.success) throw new HttpError(400, 'storeId: a store id is required');
    const storeId = parsed.data;
    const store = await db.store.findUnique({ where: { id: storeId } });
    if (!store || !inStore(principalOf(req), storeId)) throw new HttpError(404, `no store ${storeId}`);
    return store;
  }

  router.get('/api/stores/:storeId/settings', authorize('settings.read'), async (req, res) => {
    const store = await storeOf(req);
    res.json({ storeId: store.id, settings: resolveStoreSettings(store.settings), ownValues: store.settings, defaults: DEFAULT_STORE_SETTINGS });
  });

  router.put('/api/stores/:storeId/settings', authorize('settings.manage'), async (req, res) => {
    const store = await storeOf(req);
    res.json(await runCommand(commands, principalOf(req), changeStoreSettingsCommand, { storeId: store.id }, req.body));
  });

  // Refusals are { error }, as they have always been here.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, ...err.extra });
      return;
    }
    next(err);
  });
  return router;
}

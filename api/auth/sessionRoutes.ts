// POST /api/session: a bearer token for API clients; GET tells who is signed in; DELETE signs out.
import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../activities/database';
import type { Clock } from '../../runtime/clock';
import { HttpError } from '../httpError';
import { principalOf } from './middleware';
import { closeSession } from './sessions';
import { signIn, SignInLimits } from './signIn';

const credentialsSchema = z.strictObject({ staffId: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });

export function sessionRouter(db: Db, limits: SignInLimits, clock: Clock): Router {
  const router = express.Router();
  router.post('/api/session', async (req, res) => {
    const parsed = credentialsSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'staffId and password are required');
    const result = await signIn(db, limits, parsed.data.staffId, parsed.data.password, req.ip ?? 'unknown', 'API', clock.now());
    if (!result.ok) {
      if (result.retryAfterSeconds) res.setHeader('Retry-After', String(result.retryAfterSeconds));
      throw new HttpError(result.status, result.reason);
    }
    res.status(201).json({ token: result.token, tokenType: 'Bearer', expiresAt: result.expiresAt.toISOString(), staff: result.staff });
  });
  router.get('/api/session', (req, res) => {
    const p = principalOf(req);
    res.json({ staff: { id: p.id, name: p.name, role: p.role, storeId: p.storeId, allStores: p.allStores, mustChangePassword: p.mustChangePassword ?? false }, expiresAt: p.session.expiresAt.toISOString() });
  });
  router.delete('/api/session', async (req, res) => {
    await closeSession(db, principalOf(req).session.id);
    res.status(204).end();
  });
  return router;
}

import type { Client } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../activities/database';
import type { CommandDeps } from '../commands/command';
import type { Clock } from '../runtime/clock';
import { checkAccess, principalOf } from '../api/auth/middleware';
import type { Action } from '../api/auth/policy';
import type { VehicleScopeCheck } from '../api/auth/scope';
import { HttpError } from '../api/httpError';
import { vinSchema } from '../commands/schemas';
import type { SignInLimits } from '../api/auth/signIn';

export interface WebDeps {
  client: Client;
  db: Db;
  /** Temporal's own web UI, for links to a vehicle's workflow. */
  temporalUiUrl: string;
  namespace?: string;
  signInLimits?: SignInLimits;
  /** The product's clock; the system clock unless a test fixes the time. */
  clock?: Clock;
  /** What the commands share with the API's (caches of stores and workshop plans). */
  commands?: CommandDeps;
}

export interface WebContext extends WebDeps {
  checkVehicle: VehicleScopeCheck;
  limits: SignInLimits;
  clock: Clock;
  commands: CommandDeps;
}

/** A page for people who may take `action`: signed-out visitors go to the sign-in page first. */
export function page(action: Action) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.principal) {
      res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    try {
      checkAccess(req, action);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function notFound(what: string): HttpError {
  return new HttpError(404, what);
}

/** The page's vehicle (`:vin`), when it exists and the signed-in person may see it; 404 otherwise. */
export async function visibleVin(ctx: WebContext, req: Request): Promise<string> {
  const parsed = vinSchema.safeParse(req.params.vin);
  if (!parsed.success) throw notFound('no such vehicle');
  await ctx.checkVehicle(principalOf(req), parsed.data);
  return parsed.data;
}

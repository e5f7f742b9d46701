// What the workshop plan's routes (capacity and slots, parts) share: a refusal with its status and extra
// fields (the next free slots), the check of a request's data, the acting person, and the wrapper that
// answers refusals as JSON.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { PartsRefusal } from '../activities/parts';
import { SlotSearchError } from '../domain/slotSearch';
import { principalOf } from './auth/middleware';

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new RequestError(400, result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  }
  return result.data;
}

/** Who books, picks or orders: always the signed-in person. */
export function actorOf(req: Request): string {
  return principalOf(req).id;
}

/** Handlers throw a refusal; anything else goes on to the app's error handler. */
export function handle(fn: (req: Request, res: Response, next?: NextFunction) => Promise<void>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res, next);
    } catch (err) {
      if (err instanceof RequestError) {
        res.status(err.status).json({ error: err.message, ...err.body });
        return;
      }
      if (err instanceof PartsRefusal) {
        res.status(err.status).json({ error: err.message });
        return;
      }
      if (err instanceof SlotSearchError) {
        res.status(422).json({ error: err.message });
        return;
      }
      throw err;
    }
  };
}

// What the workshop plan's routes (capacity and slots, parts) share: a refusal with its status and extra
// fields (the next free slots), the check of a request's data, running a command as the signed-in
// person, and the wrapper that answers refusals as JSON.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { PartsRefusal } from '../activities/parts';
import { Command, CommandDeps, runCommand, Subject } from '../commands/command';
import { SlotSearchError } from '../domain/slotSearch';
import { principalOf } from './auth/middleware';
import { HttpError } from './httpError';

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

/** Runs a command as the signed-in person (who books, picks or orders), with the request's body unless told otherwise. */
export function commandRunner(commands: CommandDeps) {
  return <S extends z.ZodType, R, T extends Subject>(req: Request, command: Command<S, R, T>, subject: T, body: unknown = req.body): Promise<R> =>
    runCommand(commands, principalOf(req), command, subject, body);
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
      // A command's refusal: the reason, and a refused slot's `reason` and `nextFree`.
      if (err instanceof HttpError) {
        res.status(err.status).json({ error: err.message, ...err.extra });
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

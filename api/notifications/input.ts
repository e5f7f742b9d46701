import { z } from 'zod';
import { HttpError } from '../httpError';

/** Input checked against its schema: 400 naming each field that is wrong. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  return result.data;
}

// One input hygiene for every command's schema: text is trimmed, capped and free of control characters
// (a NUL cannot be stored by PostgreSQL and would jam the step that tries), lengths are counted in
// characters, so a short complete Chinese answer passes, and instants stay within years the calendar
// code can handle.
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import { isCalendarDate } from '../domain/calendar';
import { issueInChinese } from './reasons';

// Tab, line feed and carriage return are allowed in multi-line text only.
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Characters as a person counts them: 异响 is two, an emoji one. */
export const characters = (s: string) => [...s].length;

export interface TextRules {
  /** At least this many characters after trimming; 1 unless a rule asks for more. */
  min?: number;
  max: number;
  multiline?: boolean;
}

export function text({ min = 1, max, multiline = false }: TextRules) {
  return z
    .string()
    .trim()
    .refine((s) => !(multiline ? CONTROL_IN_TEXT : CONTROL_IN_LINE).test(s), 'must not contain control characters')
    .refine((s) => characters(s) >= min, min === 1 ? 'must not be empty' : `must have at least ${min} characters`)
    .refine((s) => characters(s) <= max, `must have at most ${max} characters`)
    .meta({ multiline });
}

/** The earliest and latest instants any command accepts; each command narrows them to what it can use. */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);
export const LATEST_INSTANT = Date.UTC(2199, 11, 31, 23, 59, 59);

/** An ISO 8601 instant with its offset, e.g. 2026-12-08T10:00:00+08:00. */
export const instant = z.iso
  .datetime({ offset: true })
  .refine((s) => {
    const ms = Date.parse(s);
    return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT;
  }, 'must be between the years 2000 and 2199');

/** A calendar date YYYY-MM-DD; a car's papers may go back decades. */
export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD')
  .refine((d) => d >= '1950-01-01' && d <= '2199-12-31', 'must be between the years 1950 and 2199');

/** Input checked against its schema: 400 naming each field that is wrong. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  // The input in the issue lets zod say in Chinese what it received, as it says in English.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues;
    throw new HttpError(400, issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '), issues.map((i) => ({ path: i.path.join('.'), message: i.message, zh: issueInChinese(i) })));
  }
  return result.data;
}

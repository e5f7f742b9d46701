// Tells data the database refuses from a database that is not there. Data errors are the same on every
// attempt, so retrying them only jams the lifecycle; an outage passes, so it is retried with back-off.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DATA_ERROR_TYPE } from '../workflows/shared';

export { DATA_ERROR_TYPE };

/**
 * Prisma's codes for values or constraints the data does not meet (used when no SQLSTATE comes with the
 * error): value too long, unique, foreign key, constraint, invalid value, null in a required column,
 * value out of range.
 */
const DATA_CODES = new Set(['P2000', 'P2002', 'P2003', 'P2004', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2019', 'P2020']);

const MAX_MESSAGE = 300;

export interface DataError {
  /** One line for the person who sent the data: what the database refused, never a stack or a query. */
  message: string;
  /** PostgreSQL's SQLSTATE when the database said it (class 22 data exception, 23 integrity violation). */
  sqlState?: string;
  /** Prisma's error code, if any. */
  code?: string;
}

/** Control characters (a NUL among them) written as escapes, so the text can be stored and shown. */
export function printable(text: string, max = MAX_MESSAGE): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

interface AdapterCause {
  originalCode?: unknown;
  originalMessage?: unknown;
  detail?: unknown;
  kind?: unknown;
}

/** The driver's own report under a Prisma error (`meta.driverAdapterError.cause`) or a driver adapter error. */
function adapterCauseOf(err: Record<string, unknown>): AdapterCause | undefined {
  const meta = err.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
  if (meta?.driverAdapterError?.cause && typeof meta.driverAdapterError.cause === 'object') return meta.driverAdapterError.cause;
  if (err.name === 'DriverAdapterError' && err.cause && typeof err.cause === 'object') return err.cause as AdapterCause;
  return undefined;
}

/** A PostgreSQL error straight from `pg`: a five-character SQLSTATE and a severity. */
function isPgError(err: Record<string, unknown>): boolean {
  return typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) && typeof err.severity === 'string';
}

/** The last line of a Prisma message is what went wrong; the lines above it point into our sources. */
function lastLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? message;
}

const isDataState = (sqlState: string) => sqlState.startsWith('22') || sqlState.startsWith('23');

/**
 * The data error `err` stands for, or undefined for anything else (an outage, a timeout, a bug), which
 * the caller retries. An `ApplicationFailure` of type DataError is one already classified.
 */
export function dataErrorOf(err: unknown, depth = 0): DataError | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  if (err instanceof ApplicationFailure) return err.type === DATA_ERROR_TYPE ? { message: err.message } : undefined;
  const e = err as Record<string, unknown>;
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.name === 'PrismaClientValidationError') return { message: `the data is not valid for the database: ${printable(lastLine(message))}` };
  const cause = adapterCauseOf(e);
  const sqlState = typeof cause?.originalCode === 'string' ? cause.originalCode : isPgError(e) ? (e.code as string) : undefined;
  const code = typeof e.code === 'string' && /^P\d{4}$/.test(e.code) ? e.code : undefined;
  if (sqlState !== undefined) {
    if (!isDataState(sqlState)) return undefined;
    const said = typeof cause?.originalMessage === 'string' ? cause.originalMessage : isPgError(e) ? message : lastLine(message);
    const detail = typeof cause?.detail === 'string' ? cause.detail : isPgError(e) && typeof e.detail === 'string' ? e.detail : undefined;
    return { message: printable(`the database refused the data: ${said}${detail ? ` (${detail})` : ''} [SQLSTATE ${sqlState}]`), sqlState, code };
  }
  if (code !== undefined) return DATA_CODES.has(code) ? { message: printable(`the database refused the data: ${lastLine(message)} [${code}]`), code } : undefined;
  return dataErrorOf(e.cause, depth + 1);
}

/** One line on any failure, for the managers' list: a data error's message, else the error's own summary. */
export function describeFailure(err: unknown): string {
  const data = dataErrorOf(err);
  if (data) return data.message;
  if (err instanceof Error) {
    const own = (err as { code?: unknown }).code;
    const code = typeof own === 'string' ? ` ${own}` : '';
    const summary = err.name.startsWith('PrismaClient') ? lastLine(err.message) : err.message.split('\n')[0];
    return printable(`${err.name}${code}: ${summary}`, 500);
  }
  return printable(String(err), 500);
}

/**
 * Whether the activity running now was called from a person's step: its caller then lists DataError
 * among the non-retryable types (workflows/lifecycle/lifecycle.ts), and the activity sees that policy in its info.
 * Outside an activity (a test calling it directly) and for every other caller: no.
 */
export function dataErrorsAreFinal(): boolean {
  let policy;
  try {
    policy = Context.current().info.retryPolicy;
  } catch {
    return false;
  }
  return policy?.nonRetryableErrorTypes?.includes(DATA_ERROR_TYPE) ?? false;
}

/**
 * The failure an activity throws for a data error: type DataError, its one-line message and no stack.
 * `final` (a person's step) makes it non-retryable at once; otherwise the caller's policy retries it.
 */
export function dataFailure(data: DataError, final: boolean): ApplicationFailure {
  const failure = ApplicationFailure.create({ message: data.message, type: DATA_ERROR_TYPE, nonRetryable: final, details: [{ sqlState: data.sqlState ?? null, code: data.code ?? null }] });
  failure.stack = '';
  return failure;
}

/** What an activity throws for `err`: the DataError failure for a data error, `err` itself otherwise. */
export function asActivityFailure(err: unknown, final = dataErrorsAreFinal()): unknown {
  if (err instanceof ApplicationFailure) return err;
  const data = dataErrorOf(err);
  return data ? dataFailure(data, final) : err;
}

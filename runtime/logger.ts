// The product's one logger: JSON lines on stdout that a log shipper can index. Customers' phone numbers
// and names, and every credential, must never reach the logs (personal-information law, and logs are
// read by more people than the database), so they are removed twice: by field name wherever they sit in
// a logged object, and by value in free text (an error message that quotes a phone number).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import pino, { DestinationStream, Logger } from 'pino';

/** Field names whose values are dropped wherever they appear, at any depth pino's paths reach. */
const SENSITIVE_KEYS = ['phone', 'phoneNumber', 'mobile', 'recipient', 'name', 'customerName', 'ownerName', 'contactName', 'token', 'csrfToken', 'setupToken', 'accessToken', 'password', 'newPassword', 'currentPassword', 'passwordHash', 'authorization', 'cookie', 'set-cookie', 'x-csrf-token'];

/** pino's redaction paths: the keys at the top and up to three levels down (req.headers.cookie, body.customer.phone). */
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string) => (k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
  return [k.startsWith('[') ? k.slice(2, -2) : k, join('*'), join('*.*'), join('*.*.*')];
});

// Mainland mobile numbers (1[3-9]x, 11 digits, optionally +86/86 and separators): what a customer or a
// staff member types in a free-text field.
const PHONE = /(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)/g;
// Bearer tokens and setup links carry their secret in the text itself.
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SETUP_LINK = /(\/(?:setup|pages)\/)[A-Za-z0-9._~-]+/g;
const QUERY_SECRET = /([?&](?:token|code|ack|password)=)[^&\s"]+/gi;

/** Free text with phone numbers and tokens replaced, for messages and error texts that no path reaches. */
export function scrubText(text: string): string {
  return text.replace(PHONE, '[phone]').replace(BEARER, '$1[token]').replace(SETUP_LINK, '$1[token]').replace(QUERY_SECRET, '$1[token]');
}

function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValues(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v, depth + 1)]));
}

/** The request a line belongs to, for lines written deep in code that has no `req` (commands, the Temporal client). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'service-lane', role: process.env.SERVICE_LANE_ROLE ?? 'all' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        log: (object) => scrubValues(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
      // A request's own child logger (req.log) already binds its id; adding it again would repeat the key.
      mixin: (_object, _level, instance) => {
        const requestId = requestContext.getStore()?.requestId;
        return requestId && !('requestId' in instance.bindings()) ? { requestId } : {};
      },
    },
    destination,
  );
}

export const logger = createLogger();

/**
 * The Temporal SDK's logger for Runtime.install: the worker's own lines and those of workflows and
 * activities (with their workflow id, run id and activity type) come out as the product's JSON, redacted alike.
 */
export function temporalLogger(base: Logger): TemporalLogger {
  const child = base.child({ component: 'temporal' });
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => child[level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error'](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

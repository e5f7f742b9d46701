// Request logs with a request id, /metrics for Prometheus and /readyz for the orchestrator. Mounted
// before sign-in: a scraper or a health probe has no staff session.
import type { Client } from '@temporalio/client';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Db } from '../activities/database';
import { requestContext, scrubText } from '../runtime/logger';
import type { Metrics } from '../runtime/metrics';

/** An incoming id is kept only if it cannot smuggle anything into a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Logs each request once, as JSON, under an X-Request-Id that the response echoes and the request's commands carry. */
export function requestLogging(logger: Logger): express.RequestHandler[] {
  return [
    pinoHttp({
      logger,
      genReqId(req, res) {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'requestId' },
      // The default serializers log every header; these keep what helps and leave out credentials and cookies.
      serializers: {
        req: (req: { method: string; url: string; headers: Record<string, string | undefined> }) => ({ method: req.method, url: scrubText(req.url), userAgent: req.headers['user-agent'] }),
        // The wrapped response reports no status once the socket closed; the raw one always has it.
        res: (res: { raw: { statusCode: number } }) => ({ statusCode: res.raw.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
    (req, _res, next) => requestContext.run({ requestId: String(req.id) }, next),
  ];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Prometheus may read /metrics from this host, or from anywhere with METRICS_TOKEN as its bearer token. */
export function mayScrape(req: Pick<Request, 'socket' | 'header' | 'ip'>, token: string | undefined): boolean {
  // Both: the socket's address, since X-Forwarded-For is the caller's to write where no proxy is trusted;
  // and req.ip, since behind a trusted proxy on this host (TRUST_PROXY) every socket is loopback.
  if (LOOPBACK.has(req.socket.remoteAddress ?? '') && LOOPBACK.has(req.ip ?? '')) return true;
  if (!token) return false;
  const given = Buffer.from(/^Bearer\s+(\S+)$/.exec(req.header('authorization') ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A check that neither answers nor fails within `ms` counts as failed, so a probe never hangs. */
async function within<T>(ms: number, work: () => Promise<T>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function observabilityRoutes({ client, db, metrics, logger, readyTimeoutMs = 2000 }: { client: Client; db: Db; metrics: Metrics; logger: Logger; readyTimeoutMs?: number }): express.Router {
  const router = express.Router();

  router.get('/metrics', async (req, res) => {
    if (!mayScrape(req, process.env.METRICS_TOKEN)) {
      res.status(403).type('text/plain').send('metrics are served to this host, or with METRICS_TOKEN as a bearer token\n');
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  router.get('/readyz', async (_req, res) => {
    const checks = {
      database: () => db.$queryRaw`SELECT 1`,
      temporal: () => client.workflowService.getSystemInfo({}),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([part, check]) => {
        try {
          await within(readyTimeoutMs, check);
          return [part, 'ok'] as const;
        } catch (err) {
          logger.warn({ part, err: err instanceof Error ? err.message : String(err) }, 'readiness check failed');
          return [part, 'unreachable'] as const;
        }
      }),
    );
    const failed = results.filter(([, state]) => state !== 'ok').map(([part]) => part);
    res.status(failed.length ? 503 : 200).json({ ok: failed.length === 0, checks: Object.fromEntries(results), ...(failed.length ? { failed } : {}) });
  });

  // Counted from the answer, so the sign-in code itself needs no knowledge of metrics.
  router.use((req, res, next) => {
    const kind = req.method === 'POST' && req.path === '/api/session' ? 'api' : req.method === 'POST' && req.path === '/login' ? 'web' : undefined;
    if (kind) {
      res.once('finish', () => {
        if (res.statusCode === 401 || res.statusCode === 429) metrics.signInFailures.inc({ kind, reason: res.statusCode === 429 ? 'rate_limited' : 'wrong_credentials' });
      });
    }
    next();
  });
  return router;
}

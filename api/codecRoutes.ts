// The codec endpoint of Temporal's web UI and CLI (Temporal's remote codec protocol): POST
// /codec/decode and /codec/encode take `{ "payloads": [{ "metadata": { key: base64 }, "data": base64 }] }`
// (proto3 JSON of Payload, so every bytes field is base64) and answer the same shape, run through the
// product's own payload codec. Temporal stores only ciphertext (runtime/payloadCodec.ts); this is how
// the people the policy allows read it in Temporal's UI, signed in to the product.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import express, { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { PayloadDecryptionError } from '../runtime/payloadCodec';
import { can, maskPhonesDeep, seesPhoneNumbers } from './auth/policy';
import type { Principal } from './auth/principal';
import { HttpError } from './httpError';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64 = z.string().max(140_000).regex(BASE64, 'must be base64');
// Strict: a field of Payload this codec does not know would be lost inside the ciphertext.
const payloadSchema = z.strictObject({ metadata: z.record(z.string().min(1).max(100), base64).optional(), data: base64.optional() });
export const codecBodySchema = z.strictObject({ payloads: z.array(payloadSchema).max(1000) });

type JsonPayload = z.infer<typeof payloadSchema>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** Phone numbers inside a JSON payload masked, as everywhere else for roles that do not call customers. */
function masked(p: Payload): Payload {
  if (Buffer.from(p.metadata?.encoding ?? []).toString() !== 'json/plain') return p;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(p.data ?? []).toString('utf8'));
  } catch {
    return p;
  }
  return { ...p, data: Buffer.from(JSON.stringify(maskPhonesDeep(value))) };
}

/**
 * `allowedOrigins`: the Temporal UI's origins (config TEMPORAL_UI_ORIGINS). Its pages call with the
 * person's session cookie (the UI's "include cross-origin credentials"); the CLI and scripts send a
 * bearer token and no Origin.
 */
export function codecRoutes({ client, allowedOrigins }: { client: Client; allowedOrigins: readonly string[] }): Router {
  const router = express.Router();
  const { payloadCodecs } = client.options.loadedDataConverter;
  const namespace = client.options.namespace;

  router.use('/codec', (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('origin');
    if (origin !== undefined) {
      res.vary('Origin');
      if (!allowedOrigins.includes(origin)) return next(new HttpError(403, `pages of ${origin} may not use the codec; TEMPORAL_UI_ORIGINS names the Temporal UI's origins`));
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
    }
    // The browser's preflight carries no cookie; it only asks whether the real request may be sent.
    if (req.method === 'OPTIONS') {
      res.set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization', 'Access-Control-Max-Age': '600' });
      return res.status(204).end();
    }
    next();
  });

  /**
   * Like authorize('payloads.decode') but without the CSRF token: the Temporal UI cannot send one, and
   * none is needed, since neither route changes anything and CORS keeps other sites from reading answers.
   */
  const allowed = (req: Request): Principal => {
    const p = req.principal;
    if (!p) throw new HttpError(401, 'sign in first: in the browser that runs the Temporal UI (with "include cross-origin credentials" on), or with a bearer token from POST /api/session');
    if (!can(p.role, 'payloads.decode')) throw new HttpError(403, `a ${p.role} may not payloads.decode`);
    // The CLI sends the header empty when it names no namespace.
    const asked = req.header('x-namespace');
    if (asked && asked !== namespace) throw new HttpError(400, `this codec serves Temporal namespace ${namespace}, not ${asked}`);
    return p;
  };

  const payloadsOf = (req: Request): Payload[] => {
    const parsed = codecBodySchema.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new HttpError(400, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
    }
    return parsed.data.payloads.map(fromJson);
  };

  router.post('/codec/decode', async (req, res) => {
    const p = allowed(req);
    const decoded: Payload[] = [];
    // One at a time, so a refusal names the payload it is about.
    for (const [i, payload] of payloadsOf(req).entries()) {
      let current = [payload];
      try {
        for (const codec of [...payloadCodecs].reverse()) current = await codec.decode(current);
      } catch (err) {
        if (err instanceof PayloadDecryptionError) throw new HttpError(422, `payloads.${i}: ${err.message}`);
        throw err;
      }
      decoded.push(current[0]);
    }
    res.json({ payloads: (seesPhoneNumbers(p.role) ? decoded : decoded.map(masked)).map(toJson) });
  });

  router.post('/codec/encode', async (req, res) => {
    allowed(req);
    let payloads = payloadsOf(req);
    for (const codec of payloadCodecs) payloads = await codec.encode(payloads);
    res.json({ payloads: payloads.map(toJson) });
  });

  return router;
}

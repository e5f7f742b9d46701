import { createHash } from 'node:crypto';
import { outboundRequest } from '../outbound';

export interface OutgoingMessage {
  to: string;
  subject: string;
  body: string;
  /** The outbox row's key: the receiving side can drop a repeat it already has. */
  idempotencyKey: string;
  /** The message's template key and variables, for providers that send an approved template by code. */
  template?: string;
  variables?: Record<string, unknown>;
}

export interface DeliveryReceipt {
  providerId?: string;
}

export interface Transport {
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
}

/** The receiving side refused the message for good (unknown mailbox, rejected number): no retry. */
export class PermanentDeliveryError extends Error {}

/** A stable e-mail Message-ID for an outbox row, so a repeat delivery is recognisably the same mail. */
export function messageIdFor(idempotencyKey: string, domain = 'service-lane.local'): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/** HTTP answers that will never succeed on retry; 408 and 429 ask to come back later. */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await outboundRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  // The remote body stays out of the reason: it may echo the request (a secret) or be anything at all.
  if (res.status < 200 || res.status >= 300) {
    const reason = `HTTP ${res.status} from ${new URL(url).host}`;
    throw isPermanentHttpStatus(res.status) ? new PermanentDeliveryError(reason) : new Error(reason);
  }
  try {
    return JSON.parse(res.text);
  } catch {
    return res.text;
  }
}

// Temporal's raw event history as plain JSON for auditors: 64-bit numbers as strings, timestamps as
// ISO instants, and each event named by its attributes. Temporal stores payloads encrypted
// (runtime/payloadCodec.ts): each one is decoded through the client's data converter (its codecs, then
// its payload converter) and shown as the value it carries, with the key it was sealed with.
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { encryptionKeyOf } from '../runtime/payloadCodec';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface RawEvent {
  eventId: string;
  eventType: string;
  eventTime: string;
  detail: Record<string, unknown>;
}

function isLong(v: unknown): v is { low: number; high: number; unsigned?: boolean } {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v && typeof (v as { low: unknown }).low === 'number';
}

function longToString(v: { low: number; high: number; unsigned?: boolean }): string {
  const n = (BigInt(v.high >>> 0) << 32n) + BigInt(v.low >>> 0);
  return (v.unsigned ? n : BigInt.asIntN(64, n)).toString();
}

/** Every payload the SDK writes names its encoding; nothing else in a history has bytes under `metadata.encoding`. */
function isPayload(v: object): v is Payload {
  const metadata = (v as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null && (metadata as { encoding?: unknown }).encoding instanceof Uint8Array;
}

const metadataText = (p: Payload) => Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('utf8')]));

/**
 * A payload as the value it carries. One that cannot be decoded (a key no longer configured) is shown
 * as such with the reason, so the rest of the history stays readable.
 */
async function payloadShown(payload: Payload, converter: LoadedDataConverter): Promise<Record<string, unknown>> {
  const keyId = encryptionKeyOf(payload);
  const sealed = keyId === undefined ? {} : { encryptedWithKey: keyId };
  let decoded = [payload];
  try {
    for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  } catch (err) {
    return { metadata: metadataText(payload), ...sealed, undecodable: err instanceof Error ? err.message : String(err) };
  }
  let value: unknown;
  try {
    value = converter.payloadConverter.fromPayload(decoded[0]);
  } catch (err) {
    return { metadata: metadataText(decoded[0]), ...sealed, undecodable: err instanceof Error ? err.message : String(err) };
  }
  return { metadata: metadataText(decoded[0]), ...sealed, data: value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value };
}

async function plain(value: unknown, converter: LoadedDataConverter): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (isLong(value)) return longToString(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return Promise.all(value.map((v) => plain(v, converter)));
  if (typeof value === 'object') {
    if (isPayload(value)) return payloadShown(value, converter);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = await plain(v, converter);
    return out;
  }
  return value;
}

function timestampToIso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  if (!t) return '';
  const seconds = isLong(t.seconds) ? Number(longToString(t.seconds)) : Number(t.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

export async function rawHistoryEvents(events: HistoryEvent[], converter: LoadedDataConverter): Promise<RawEvent[]> {
  return Promise.all(
    events.map(async (e) => {
      const attributes = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]);
      const type = attributes ? attributes.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase()) : String(e.eventType);
      const detail = (await plain(e, converter)) as Record<string, unknown>;
      detail.eventTime = timestampToIso(e.eventTime as never);
      return { eventId: String(detail.eventId ?? ''), eventType: type, eventTime: detail.eventTime as string, detail };
    }),
  );
}

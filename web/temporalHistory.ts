// Temporal's raw event history as plain JSON for auditors: 64-bit numbers as strings, timestamps as
// ISO instants, payloads decoded as the JSON text they carry, and each event named by its attributes.
import type { temporal } from '@temporalio/proto';

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

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (isLong(value)) return longToString(value);
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

function timestampToIso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  if (!t) return '';
  const seconds = isLong(t.seconds) ? Number(longToString(t.seconds)) : Number(t.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

export function rawHistoryEvents(events: HistoryEvent[]): RawEvent[] {
  return events.map((e) => {
    const attributes = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]);
    const type = attributes ? attributes.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase()) : String(e.eventType);
    const detail = plain(e) as Record<string, unknown>;
    detail.eventTime = timestampToIso(e.eventTime as never);
    return { eventId: String(detail.eventId ?? ''), eventType: type, eventTime: detail.eventTime as string, detail };
  });
}

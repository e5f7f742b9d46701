// The lifecycle in business language: audit events become "what happened, who, when, which rule",
// with the few facts a person at the counter wants to see (times, outcomes, scores, amounts).
import { formatFact } from './format';
export interface AuditLike {
  action: string;
  actor: string;
  rule: string | null;
  occurredAt: Date;
  cycle: number;
  data: unknown;
}

export interface TimelineEntry {
  at: Date;
  action: string;
  actor: string;
  actorName: string;
  human: boolean;
  rule?: string;
  cycle: number;
  facts: string[];
}

const FACTS = ['outcome', 'kind', 'channel', 'bookedFor', 'newBookedFor', 'bayId', 'mileageKm', 'promisedReadyAt', 'newPromisedReadyAt', 'attitudeScore', 'qualityScore', 'amountDueCny', 'amountPaidCny', 'underpaid', 'grade', 'level', 'reason', 'template', 'dueAt', 'note', 'comment', 'realReason', 'advisorName', 'technicianName'];

function factsOf(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  const d = data as Record<string, unknown>;
  return FACTS.filter((k) => d[k] !== undefined && d[k] !== null && typeof d[k] !== 'object').map((k) => `${k}: ${formatFact(d[k])}`);
}

export function timelineOf(events: AuditLike[], staffNames: Map<string, string>): TimelineEntry[] {
  return events.map((e) => ({
    at: e.occurredAt,
    action: e.action,
    actor: e.actor,
    actorName: e.actor === 'system' ? 'system' : (staffNames.get(e.actor) ?? e.actor),
    human: e.actor !== 'system',
    rule: e.rule ?? undefined,
    cycle: e.cycle,
    facts: factsOf(e.data),
  }));
}

// Checks the audit log's hash chains without trusting the database's own digest function: each
// vehicle's events must number 1, 2, 3 … and each hash must be SHA-256 of the previous hash and the
// record's fields, in the text forms the trigger hashed them in.
import { createHash } from 'node:crypto';

export interface ChainRow {
  id: string;
  vin: string;
  chainSeq: number | null;
  prevHash: string | null;
  hash: string | null;
  idempotencyKey: string;
  workflowId: string;
  runId: string;
  cycle: string;
  rule: string;
  action: string;
  actor: string;
  occurredAt: string;
  data: string;
}

/** The rows as the verifier reads them: text forms computed by PostgreSQL, the hashing done here. */
export const CHAIN_ROWS_SQL = `
SELECT "id"::text AS "id", "vin", "chainSeq", "prevHash", "hash", "idempotencyKey", "workflowId", "runId",
       "cycle"::text AS "cycle", coalesce("rule", '') AS "rule", "action", "actor",
       to_char("occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "occurredAt", "data"::text AS "data"
FROM "AuditEvent" ORDER BY "vin", "chainSeq", "id"`;

export interface ChainReport {
  events: number;
  vehicles: number;
  problems: string[];
}

export function digest(prev: string, r: ChainRow): string {
  const fields = [prev, r.idempotencyKey, r.vin, r.workflowId, r.runId, r.cycle, r.rule, r.action, r.actor, r.occurredAt, r.data];
  return createHash('sha256').update(fields.join('|'), 'utf8').digest('hex');
}

interface Linked {
  id: string;
  chainSeq: number | null;
  prevHash: string | null;
  hash: string | null;
  action: string;
}

/**
 * Checks hash chains of rows ordered by chain then position: each chain numbers 1, 2, 3 …, links to the
 * previous hash, and hashes to its own content. `chainOf` names a row's chain, `label` its kind of event.
 */
function verifyChains<R extends Linked>(rows: R[], chainOf: (r: R) => string, digestOf: (prev: string, r: R) => string, label: string): { events: number; chains: number; problems: string[] } {
  const problems: string[] = [];
  let chain: string | undefined;
  let expectedSeq = 1;
  let prev = '';
  let chains = 0;
  for (const r of rows) {
    if (chainOf(r) !== chain) {
      chain = chainOf(r);
      expectedSeq = 1;
      prev = '';
      chains++;
    }
    const where = `${label} ${r.id} (${chain} #${r.chainSeq ?? '?'} ${r.action})`;
    if (r.chainSeq !== expectedSeq) problems.push(`${where}: expected position ${expectedSeq} in the chain — an event is missing or was inserted`);
    if ((r.prevHash ?? '') !== prev) problems.push(`${where}: does not link to the previous event's hash`);
    if (r.hash !== digestOf(r.prevHash ?? '', r)) problems.push(`${where}: content does not match its hash — the record was altered`);
    prev = r.hash ?? '';
    expectedSeq = (r.chainSeq ?? expectedSeq) + 1;
  }
  return { events: rows.length, chains, problems };
}

export function verifyChainRows(rows: ChainRow[]): ChainReport {
  const { events, chains, problems } = verifyChains(rows, (r) => r.vin, digest, 'event');
  return { events, vehicles: chains, problems };
}

/** A store's own audit event (settings, templates, channels, staff), in the text forms its trigger hashed. */
export interface StoreChainRow {
  id: string;
  storeId: string;
  chainSeq: number | null;
  prevHash: string | null;
  hash: string | null;
  action: string;
  actor: string;
  occurredAt: string;
  data: string;
}

export const STORE_CHAIN_ROWS_SQL = `
SELECT "id"::text AS "id", "storeId", "chainSeq", "prevHash", "hash", "action", "actor",
       to_char("occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "occurredAt", "data"::text AS "data"
FROM "StoreAuditEvent" ORDER BY "storeId", "chainSeq", "id"`;

export function storeDigest(prev: string, r: StoreChainRow): string {
  return createHash('sha256').update([prev, r.storeId, r.action, r.actor, r.occurredAt, r.data].join('|'), 'utf8').digest('hex');
}

export interface StoreChainReport {
  events: number;
  stores: number;
  problems: string[];
}

export function verifyStoreChainRows(rows: StoreChainRow[]): StoreChainReport {
  const { events, chains, problems } = verifyChains(rows, (r) => r.storeId, storeDigest, 'store event');
  return { events, stores: chains, problems };
}

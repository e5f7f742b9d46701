// A command is one thing a person can do: who may (the policy row and the store scope), its one schema,
// the domain checks, then the Update or the write and its audit. The API, the web pages and any importer
// are adapters that find the person and the subject, call `runCommand`, and show the answer.
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { capacityCache, CapacityOf } from '../activities/capacityModel';
import type { Db } from '../activities/database';
import { Action, can } from '../api/auth/policy';
import type { Principal } from '../api/auth/principal';
import type { VehicleStoreOf } from '../api/auth/scope';
import { vehicleScope, vehicleStores } from '../api/auth/scope';
import { inStore } from '../api/auth/principal';
import { HttpError } from '../api/httpError';
import { storeDirectory } from '../api/storeDirectory';
import type { Clock } from '../runtime/clock';
import { parseInput } from './input';

/** What every command may use; one set per process, shared by the API and the web UI. */
export interface CommandDeps {
  client: Client;
  db: Db;
  clock: Clock;
  /** Which store a vehicle belongs to (cached: fixed at registration). */
  storeOf: VehicleStoreOf;
  /** A store's workshop plan and settings (cached until its set-up changes: every process sees a change at once). */
  capacityOf: CapacityOf;
  /** Whether a store id exists (cached). */
  storeExists: (storeId: string) => Promise<boolean>;
}

export function createCommandDeps(deps: Pick<CommandDeps, 'client' | 'db' | 'clock'> & Partial<CommandDeps>): CommandDeps {
  return {
    ...deps,
    storeOf: deps.storeOf ?? vehicleStores(deps.db, deps.client),
    capacityOf: deps.capacityOf ?? capacityCache(),
    storeExists: deps.storeExists ?? storeDirectory(deps.db),
  };
}

/** One run of a command: the deps, the person, and the one instant the command happens at. */
export interface CommandContext extends CommandDeps {
  principal: Principal;
  at: Date;
}

/**
 * What a command acts on: a vehicle (`vin`) or a store (`storeId`), each checked against the person's
 * stores before anything else; or a thing the command finds and checks itself (an outbox message, a
 * booking, a template); or nothing in particular.
 */
export type VehicleSubject = { vin: string };
export type StoreSubject = { storeId: string };
export type Subject = VehicleSubject | StoreSubject | Record<string, unknown>;

export interface Command<S extends z.ZodType, R, T extends Subject = VehicleSubject> {
  /** A stable name, for logs and the audit trail. */
  name: string;
  action: Action;
  schema: S;
  /**
   * How a store subject outside the person's stores is answered: 404 `no store X`, as if it did not exist
   * (the default), or 403 `store X is not yours` where that door has always said so (channels, templates).
   */
  otherStore?: 'not-found' | 'forbidden';
  run(ctx: CommandContext, subject: T, input: z.output<S>): Promise<R>;
}

export function defineCommand<S extends z.ZodType, R, T extends Subject = VehicleSubject>(command: Command<S, R, T>): Command<S, R, T> {
  return command;
}

/**
 * Who may (403), which vehicle or store (404 outside the person's stores, as if it did not exist), the
 * schema (400 naming each field), then the command's own checks and its change. A refused command
 * changes nothing.
 */
export async function runCommand<S extends z.ZodType, R, T extends Subject>(deps: CommandDeps, principal: Principal, command: Command<S, R, T>, subject: T, raw: unknown): Promise<R> {
  if (!can(principal.role, command.action)) throw new HttpError(403, `a ${principal.role} may not ${command.action}`);
  const { vin, storeId } = subject as Partial<VehicleSubject & StoreSubject>;
  if (typeof vin === 'string') await vehicleScope(deps.storeOf)(principal, vin);
  if (typeof storeId === 'string' && !inStore(principal, storeId)) {
    throw command.otherStore === 'forbidden' ? new HttpError(403, `store ${storeId} is not yours`) : new HttpError(404, `no store ${storeId}`);
  }
  const input = parseInput(command.schema, raw ?? {}) as z.output<S>;
  return command.run({ ...deps, principal, at: deps.clock.now() }, subject, input);
}

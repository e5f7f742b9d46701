// The worker's record of activities that keep failing, for the managers' list of stuck lifecycles: an
// activity interceptor keeps one `ActivityTrouble` row per failing activity while its attempts fail and
// removes it once one succeeds (or its failure is final). It also turns data errors of every activity
// into DataError failures (dataErrors.ts), so no activity retries data the database refuses as if the
// database were down — it still retries, unless its caller is a person's step.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { Db } from './database';
import { asActivityFailure, describeFailure } from './dataErrors';

type Info = Context['info'];

/** Whether no further attempt will follow this failure. */
function isFinal(failure: unknown, info: Info): boolean {
  if (failure instanceof CancelledFailure) return true;
  if (failure instanceof ApplicationFailure && failure.nonRetryable) return true;
  // Temporal matches the policy's non-retryable types on a failure's type, or an error's name.
  const type = failure instanceof ApplicationFailure ? failure.type : failure instanceof Error ? failure.name : undefined;
  if (type && info.retryPolicy?.nonRetryableErrorTypes?.includes(type)) return true;
  const max = info.retryPolicy?.maximumAttempts;
  return max !== undefined && max > 0 && info.attempt >= max;
}

/** The vehicle of the activity: its step context's VIN, else the one in the workflow id (`…-<VIN>…`). */
function vinOf(args: unknown[], workflowId: string): string | null {
  const ctx = args[0] as { vin?: unknown } | undefined;
  if (ctx && typeof ctx === 'object' && typeof ctx.vin === 'string') return ctx.vin;
  return /(?:^|-)([A-HJ-NPR-Z0-9]{17})(?:-|$)/.exec(workflowId)?.[1] ?? null;
}

export interface ActivityTroubleOptions {
  /** Hears of a row that could not be written or removed (the database itself is down); ignored by default. */
  onWriteError?: (err: unknown) => void;
}

/**
 * The interceptor for the worker's options (`interceptors: { activity: [activityTrouble(db)] }`). Its
 * times come from the activity's info — first scheduled, this attempt scheduled — not from a clock.
 * A success removes the row only when one may exist: a retry (attempt > 1), or an activity this worker
 * knows has one (it wrote it, or found it when it first looked, after a restart).
 */
export function activityTrouble(db: Db, options: ActivityTroubleOptions = {}): ActivityInterceptorsFactory {
  const ignore = options.onWriteError ?? (() => undefined);
  const known = new Set<string>();
  let loaded: Promise<void> | undefined;
  const keyOf = (workflowId: string, runId: string, activityId: string) => JSON.stringify([workflowId, runId, activityId]);
  const loadKnown = () =>
    (loaded ??= db.activityTrouble
      .findMany({ select: { workflowId: true, runId: true, activityId: true } })
      .then((rows) => rows.forEach((r) => known.add(keyOf(r.workflowId, r.runId, r.activityId))))
      .catch((err) => {
        loaded = undefined;
        ignore(err);
      }));

  const forget = async (where: { workflowId: string; runId: string; activityId: string }, key: string) => {
    try {
      await db.activityTrouble.deleteMany({ where });
      known.delete(key);
    } catch (err) {
      ignore(err);
    }
  };

  return (ctx) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const info = ctx.info;
        const wf = info.workflowExecution;
        if (!wf) return next(input);
        const where = { workflowId: wf.workflowId, runId: wf.runId, activityId: info.activityId };
        const key = keyOf(where.workflowId, where.runId, where.activityId);
        try {
          const result = await next(input);
          await loadKnown();
          if (info.attempt > 1 || known.has(key)) await forget(where, key);
          return result;
        } catch (err) {
          const failure = asActivityFailure(err);
          if (isFinal(failure, info)) {
            await loadKnown();
            if (info.attempt > 1 || known.has(key)) await forget(where, key);
            throw failure;
          }
          const lastError = describeFailure(failure);
          const lastFailedAt = new Date(info.currentAttemptScheduledTimestampMs || info.scheduledTimestampMs);
          try {
            await db.activityTrouble.upsert({
              where: { workflowId_runId_activityId: where },
              create: {
                ...where,
                activityType: info.activityType,
                workflowType: info.workflowType ?? null,
                vin: vinOf(input.args, wf.workflowId),
                firstFailedAt: new Date(info.scheduledTimestampMs),
                lastFailedAt,
                attempts: info.attempt,
                lastError,
              },
              update: { lastFailedAt, attempts: info.attempt, lastError },
            });
            known.add(key);
          } catch (writeErr) {
            ignore(writeErr);
          }
          throw failure;
        }
      },
    };
    return { inbound };
  };
}

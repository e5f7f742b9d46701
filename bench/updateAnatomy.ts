// Where one Update's time goes, read back from the workflow histories after the load: the server
// timestamps every hand-over, so waiting for the server to dispatch a task can be told apart from
// the worker running it. The Update's own span runs from the workflow task that carried it to
// UPDATE_COMPLETED; what the HTTP client saw beyond that is the API and the network. Local
// activities run inside a workflow task (one marker each), so their time counts as running it.
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { lifecycleWorkflowId } from '../workflows/lifecycle/contract';
import type { RequestSample } from './loadClient';
import { round1 } from './pool';

const E = temporal.api.enums.v1.EventType;

export interface UpdateAnatomy {
  updates: number;
  /** Mean counts per Update. */
  workflowTasks: number;
  activities: number;
  localActivities: number;
  /** Mean milliseconds per Update. */
  meanMs: {
    /** Scheduled → started, for workflow and activity tasks: the server handing work to the worker. */
    dispatchWorkflowTasks: number;
    dispatchActivities: number;
    /** Started → completed: the worker running workflow code, and the activities (database writes). */
    runWorkflowTasks: number;
    runActivities: number;
    /** First workflow task scheduled → UPDATE_COMPLETED. */
    serverSpan: number;
  };
}

interface Span {
  /** Epoch ms: the workflow task that carried the Update was scheduled; the Update completed. */
  scheduledAt: number;
  completedAt: number;
  dispatchWft: number;
  dispatchAct: number;
  runWft: number;
  runAct: number;
  wfts: number;
  acts: number;
  markers: number;
}

/** Sums the hand-overs of the one Update each of these lifecycles received. */
export async function updateAnatomy(client: Client, vins: string[]): Promise<UpdateAnatomy> {
  const spans: Span[] = [];
  for (const vin of vins) {
    const span = spanOfUpdate(await client.workflow.getHandle(lifecycleWorkflowId(vin)).fetchHistory());
    if (span) spans.push(span);
  }
  const mean = (f: (s: Span) => number) => Math.round((spans.reduce((a, s) => a + f(s), 0) / Math.max(1, spans.length)) * 10) / 10;
  return {
    updates: spans.length,
    workflowTasks: mean((s) => s.wfts),
    activities: mean((s) => s.acts),
    localActivities: mean((s) => s.markers),
    meanMs: {
      dispatchWorkflowTasks: mean((s) => s.dispatchWft),
      dispatchActivities: mean((s) => s.dispatchAct),
      runWorkflowTasks: mean((s) => s.runWft),
      runActivities: mean((s) => s.runAct),
      serverSpan: mean((s) => s.completedAt - s.scheduledAt),
    },
  };
}

function spanOfUpdate(history: temporal.api.history.v1.IHistory): Span | undefined {
  const events = history.events ?? [];
  const accepted = events.findIndex((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  const completed = events.findIndex((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  if (accepted < 0 || completed < 0) return undefined;
  // The Update arrived with the workflow task scheduled last before its acceptance.
  let first = accepted;
  while (first > 0 && events[first].eventType !== E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) first--;
  const at = (i: number) => tsToMs(events[i].eventTime);
  const span: Span = { scheduledAt: at(first), completedAt: at(completed), dispatchWft: 0, dispatchAct: 0, runWft: 0, runAct: 0, wfts: 0, acts: 0, markers: 0 };
  let scheduled = 0;
  let started = 0;
  for (let i = first; i <= completed; i++) {
    switch (events[i].eventType) {
      case E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        scheduled = at(i);
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        span.dispatchWft += at(i) - scheduled;
        started = at(i);
        span.wfts++;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        span.dispatchAct += at(i) - scheduled;
        started = at(i);
        span.acts++;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        span.runWft += at(i) - started;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        span.runAct += at(i) - started;
        break;
      case E.EVENT_TYPE_MARKER_RECORDED:
        span.markers++;
        break;
    }
  }
  return span;
}

/** Where one slow request's time went, from its client's send to its response (milliseconds). */
export interface SlowUpdate {
  vin: string;
  ms: number;
  /** Seconds after the first request of the load was due. */
  sentAfterS: number;
  /** Send → the workflow task carrying the Update scheduled: HTTP, the API, the Update's way into the server. */
  toWorkflowTask: number;
  dispatch: number;
  /** Workflow task started → completed: the workflow thread and the local activity's transaction. */
  worker: number;
  /** Update completed → response received: the server answering the API, the API answering its client. */
  afterCompletion: number;
}

/**
 * Splits each of the slowest requests of a load at the server's timestamps, to tell a request that
 * queued before the server (HTTP, API) from one that queued in the worker. One clock: same machine.
 */
export async function explainSlowest(client: Client, samples: RequestSample[], loadStartedAt: number): Promise<SlowUpdate[]> {
  const explained: SlowUpdate[] = [];
  for (const s of samples) {
    const span = spanOfUpdate(await client.workflow.getHandle(lifecycleWorkflowId(s.vin)).fetchHistory());
    if (!span) continue;
    explained.push({
      vin: s.vin,
      ms: round1(s.ms),
      sentAfterS: round1((s.sentAt - loadStartedAt) / 1000),
      toWorkflowTask: round1(span.scheduledAt - s.sentAt),
      dispatch: round1(span.dispatchWft),
      worker: round1(span.runWft),
      afterCompletion: round1(s.sentAt + s.ms - span.completedAt),
    });
  }
  return explained;
}

import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { getState, LifecycleState } from '../workflows/lifecycle/contract';

const realTime = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The id of the last event of the workflow's history when it is at rest, or undefined while it is in the
 * middle of a step: a workflow task (and the local activities it runs) or an activity not finished.
 */
async function restingAt(handle: WorkflowHandle): Promise<string | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  let taskOpen = false;
  const activities = new Set<string>();
  for (const e of events) {
    if (e.workflowTaskScheduledEventAttributes) taskOpen = true;
    else if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) taskOpen = false;
    else if (e.activityTaskScheduledEventAttributes) activities.add(String(e.eventId));
    else {
      const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      if (closed) activities.delete(String(closed.scheduledEventId));
    }
  }
  return taskOpen || activities.size > 0 ? undefined : String(events.at(-1)?.eventId ?? '');
}

/** Lets simulated time run to each timer the lifecycle reports until it is at `stage`. */
export async function advanceTo(env: TestWorkflowEnvironment, handle: WorkflowHandle, stage: string, onState?: (s: LifecycleState) => void): Promise<LifecycleState> {
  let steps = 0;
  for (let polls = 0; steps < 200 && polls < 1000; polls++) {
    // Only a state read while the workflow is at rest tells where it waits. In the middle of a step (a
    // timer has fired and its local activities are running, slowly on a busy machine) the state shows
    // neither the timer that fired nor the wait the step is about to begin: sleeping to the next
    // deadline it does show (a person's, weeks away) would skip past the step's stage.
    const before = await restingAt(handle);
    if (before === undefined) {
      await realTime(20);
      continue;
    }
    const state = await handle.query(getState);
    if ((await restingAt(handle)) !== before) continue;
    const now = await env.currentTimeMs();
    // A timer whose time has come but which the state still shows has fired on the server, and the
    // worker has not run the workflow on yet (a busy machine): ask again rather than skip past it.
    if (state.waitingFor.some((w) => w.timer && Date.parse(w.by) <= now)) {
      await realTime(20);
      continue;
    }
    onState?.(state);
    if (state.stage === stage) return state;
    const next = state.waitingFor.map((w) => Date.parse(w.by)).filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next === undefined && state.waitingFor.length > 0 && steps > 0) {
      throw new Error(`the vehicle waits at ${state.stage} for ${state.waitingFor.map((w) => w.what).join(', ')}; it never reaches ${stage} by itself`);
    }
    await env.sleep(next === undefined ? 1000 : next - now + 1000);
    steps++;
  }
  throw new Error(`the vehicle never reached ${stage}`);
}

import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CareState, getCare } from '../workflows/care/contract';
import { getState, LifecycleState } from '../workflows/lifecycle/contract';
import type { Waiting } from '../workflows/shared';

const realTime = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR_MS = 3_600_000;

/** What a step waits for, and how much simulated time it may take. */
export interface WaitBound {
  /** The step, as the report names it: `step 3 (confirmBooking)`, `until`. */
  step: string;
  withinMs: number;
}

/** Why a rehearsal could not go on: which step, what it expected, where the workflow stood instead. */
export interface StuckReport {
  vin: string;
  step: string;
  /** The lifecycle stage or care contact the step waited for. */
  expected: string;
  /** The lifecycle's stage, or `care` for the care workflow. */
  stage: string;
  waitingFor: Array<Pick<Waiting, 'what' | 'rule' | 'by'>>;
  simulatedMs: number;
  withinMs: number;
  /** The bound ran out, or the workflow waits for a person no later step of the script is. */
  why: 'bound' | 'person';
}

const spent = (ms: number) => `${Math.floor(ms / (24 * HOUR_MS))}d ${Math.floor((ms % (24 * HOUR_MS)) / HOUR_MS)}h`;

export class RehearsalStuck extends Error {
  constructor(readonly report: StuckReport) {
    const waits = report.waitingFor.map((w) => `${w.what} (${w.rule}, by ${w.by})`).join('; ') || 'nothing';
    const why = report.why === 'bound' ? `not reached within ${spent(report.withinMs)} of simulated time` : 'waits for a person, and will not get there by itself';
    super(`${report.vin} ${report.step}: expected ${report.expected}, ${why}; after ${spent(report.simulatedMs)} it is at ${report.stage}, waiting for: ${waits}`);
    this.name = 'RehearsalStuck';
  }
}

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

/** A workflow the runner waits on: how to read where it stands, and whether that is where the step wants it. */
interface Target<S extends { vin: string }> {
  expected: string;
  handle: WorkflowHandle;
  read(): Promise<S>;
  reached(state: S): boolean;
  stage(state: S): string;
  /** What it waits for; `timer` marks what it will do by itself at `by`. */
  waits(state: S): Waiting[];
}

/**
 * Lets simulated time run to each timer the workflow reports until `reached`, for at most the bound's
 * simulated time: a wait that cannot end is reported (RehearsalStuck), never waited out.
 */
async function advance<S extends { vin: string }>(env: TestWorkflowEnvironment, t: Target<S>, bound: WaitBound, onState?: (s: S) => void): Promise<S> {
  const startedAt = await env.currentTimeMs();
  const endsAt = startedAt + bound.withinMs;
  let steps = 0;
  let last: S | undefined;
  const stuck = async (why: StuckReport['why']) =>
    new RehearsalStuck({
      vin: last?.vin ?? t.handle.workflowId,
      step: bound.step,
      expected: t.expected,
      stage: last === undefined ? 'unknown' : t.stage(last),
      waitingFor: last === undefined ? [] : t.waits(last).map(({ what, rule, by }) => ({ what, rule, by })),
      simulatedMs: (await env.currentTimeMs()) - startedAt,
      withinMs: bound.withinMs,
      why,
    });
  for (let polls = 0; polls < 2000; polls++) {
    // Only a state read while the workflow is at rest tells where it waits. In the middle of a step (a
    // timer has fired and its local activities are running, slowly on a busy machine) the state shows
    // neither the timer that fired nor the wait the step is about to begin: sleeping to the next
    // deadline it does show (a person's, weeks away) would skip past the step's stage.
    const before = await restingAt(t.handle);
    if (before === undefined) {
      await realTime(20);
      continue;
    }
    const state = await t.read();
    if ((await restingAt(t.handle)) !== before) continue;
    const now = await env.currentTimeMs();
    // A timer whose time has come but which the state still shows has fired on the server, and the
    // worker has not run the workflow on yet (a busy machine): ask again rather than skip past it.
    if (t.waits(state).some((w) => w.timer && Date.parse(w.by) <= now)) {
      await realTime(20);
      continue;
    }
    last = state;
    onState?.(state);
    if (t.reached(state)) return state;
    if (now >= endsAt) throw await stuck('bound');
    const waits = t.waits(state);
    const next = waits.map((w) => Date.parse(w.by)).filter((at) => at > now).sort((a, b) => a - b)[0];
    if (next === undefined && waits.length > 0 && steps > 0) throw await stuck('person');
    // Never past the bound: a stage weeks beyond it is reported at the bound, not waited for.
    await env.sleep(Math.max(1, Math.min(next === undefined ? 1000 : next - now + 1000, endsAt - now)));
    steps++;
  }
  throw await stuck('bound');
}

/** The workflow tests' waits: as long as a scenario's default. */
const DEFAULT_BOUND: WaitBound = { step: 'advance', withinMs: 400 * 24 * HOUR_MS };

/** Lets simulated time run to each timer the lifecycle reports until it is at `stage`, within the bound. */
export function advanceTo(env: TestWorkflowEnvironment, handle: WorkflowHandle, stage: string, onState?: (s: LifecycleState) => void, bound = DEFAULT_BOUND): Promise<LifecycleState> {
  return advance<LifecycleState>(
    env,
    { expected: `stage ${stage}`, handle, read: () => handle.query(getState), reached: (s) => s.stage === stage, stage: (s) => s.stage, waits: (s) => s.waitingFor },
    bound,
    onState,
  );
}

/**
 * Lets simulated time run until care is where the step wants it (`reached`, e.g. a call's outcome owed),
 * within the bound. Care's planned next contact is its timer; an open call waits for a person.
 */
export function advanceCare(env: TestWorkflowEnvironment, handle: WorkflowHandle, expected: string, reached: (s: CareState) => boolean, bound: WaitBound): Promise<CareState> {
  return advance<CareState>(
    env,
    {
      expected,
      handle,
      read: () => handle.query(getCare),
      reached,
      stage: () => 'care',
      waits: (s) => s.waitingFor.map((w) => (isOpenCall(w) ? w : { ...w, timer: true as const })),
    },
    bound,
  );
}

/** Care lists a call whose task is open as its outcome (workflows/customerCare.ts, `snapshot`). */
export function isOpenCall(w: Waiting): boolean {
  return w.what.endsWith(': outcome');
}

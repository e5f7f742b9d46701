// The machinery every phase of a vehicle's cycle shares: its state, the timers and human steps it is
// waiting on (the "waiting for" a manager sees), and the activities.
import * as wf from '@temporalio/workflow';
import type { LifecycleActivities } from './activities';
import type { StepContext } from '../../activities/stepContext';
import type { CyclePolicy } from '../../activities/registration';
import type { StoreSettings } from '../../domain/storeSettings';
import type { WorkingHours } from '../../domain/workingHours';
import { LifecycleState, Stage, VehicleLifecycleInput } from './contract';
import { DATA_ERROR_TYPE, iso, Waiting } from '../shared';
import { countInFlight, HumanSteps, routeSteps } from './humanSteps';
import { publishAtRest, publishIdentity } from './searchAttributes';

/**
 * For a branch that runs beside the main path and is awaited later: if the cycle is cancelled (a
 * manager closed it) before that, its rejection must not count as unhandled and fail the workflow task.
 */
export function awaitedLater<T>(branch: Promise<T>): Promise<T> {
  branch.catch(() => undefined);
  return branch;
}

// Unlimited attempts: a database outage must delay a reminder, never drop it.
const NON_RETRYABLE = ['UnknownStore', 'UnknownBay'];
const retry: wf.RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE };
/**
 * Inside a person's step, data the database refuses is final: the Update is refused (422) and the step
 * stays open for corrected data. The activity sees this policy in its info and records the refusal.
 * Elsewhere (automatic steps, a manager's CLOSE) it is retried: failing there would fail the lifecycle.
 */
const stepRetry: wf.RetryPolicy = { ...retry, nonRetryableErrorTypes: [...NON_RETRYABLE, DATA_ERROR_TYPE] };

/**
 * The lifecycle's activities are short database transactions: as local activities each costs one
 * marker event instead of three events and a workflow-task round trip, which keeps a cycle's history
 * small (issue target: ≤ 150 events) and an Update's answer quick.
 */
const localActivityOptions: wf.LocalActivityOptions = { startToCloseTimeout: '1 minute', localRetryThreshold: '10 seconds', retry };

export class Lifecycle {
  readonly state: LifecycleState;
  readonly acts: LifecycleActivities;
  readonly steps: HumanSteps;
  /** Counts a non-activity command (a child workflow start) as work in flight. */
  readonly track: <R>(p: Promise<R>) => Promise<R>;
  /** The newest odometer reading; calls and visits update it (R1, R3). */
  odometer: { mileageKm: number; mileageRecordedOn: string };
  /** Set once the cycle's policy is loaded; phases read the store settings from it. */
  policy!: CyclePolicy;
  private readonly timers = new Map<string, { waiting: Waiting; interrupt?: () => boolean }>();
  private readonly background: Promise<unknown>[] = [];
  /** The state may have changed: the search attributes follow once the workflow is at rest. */
  private readonly publish: () => void;
  private readonly info = wf.workflowInfo();

  constructor(readonly input: VehicleLifecycleInput) {
    const { vehicle, history } = input;
    this.state = {
      vin: vehicle.vin,
      plate: vehicle.plate,
      storeId: vehicle.storeId,
      advisorId: vehicle.advisorId,
      cycle: history.cycle,
      stage: 'REGISTERING',
      waitingFor: [],
      accepts: [],
    };
    this.odometer = { mileageKm: vehicle.mileageKm, mileageRecordedOn: vehicle.mileageRecordedOn };
    const stubs = wf.proxyLocalActivities<LifecycleActivities>(localActivityOptions);
    const stepStubs = wf.proxyLocalActivities<LifecycleActivities>({ ...localActivityOptions, retry: stepRetry });
    // Counted per run, so one vehicle's slow activity never holds back another vehicle's Update answer.
    const tracked = countInFlight(routeSteps(stubs, stepStubs, () => this.steps.applyingStep()));
    this.acts = tracked.activities;
    this.track = tracked.track;
    this.steps = new HumanSteps(() => this.snapshot(), () => this.publish(), tracked.idle);
    this.publish = publishAtRest(() => this.snapshot(), tracked.idle);
    publishIdentity(vehicle);
  }

  /**
   * Side branches (reminders around an appointment) that end by themselves once the main path moves on;
   * the main path does not wait for them, the end of the cycle does.
   */
  inBackground(branch: Promise<unknown>): void {
    this.background.push(awaitedLater(branch));
  }

  async backgroundFinished(): Promise<void> {
    await Promise.all(this.background);
  }

  get settings() {
    return this.policy.settings;
  }

  /** The store's working hours as this cycle knows them: work for people opens in them. */
  get workingHours(): WorkingHours {
    const s = this.settings;
    const known = this.policy.workingHours;
    return { utcOffsetMinutes: s.utcOffsetMinutes, contactStartTime: s.contactStartTime, contactEndTime: s.contactEndTime, openingHours: known?.openingHours ?? [], holidays: known?.holidays ?? [] };
  }

  private changedSettings?: StoreSettings;

  /**
   * A store's new settings take effect for every decision made after they arrive. A wait already under
   * way keeps the time it was given. Until the cycle's policy is loaded they are kept and laid over it.
   */
  applySettings(settings: StoreSettings): void {
    this.changedSettings = settings;
    // In place: phases keep `lc.settings` in a local for the length of a phase.
    if (this.policy) Object.assign(this.policy.settings, settings);
  }

  /**
   * The policy loaded from the database, with settings that changed while it was loading laid over it;
   * true when there were such settings.
   */
  usePolicy(loaded: CyclePolicy): boolean {
    this.policy = this.changedSettings ? { ...loaded, settings: { ...this.changedSettings } } : loaded;
    return this.changedSettings !== undefined;
  }

  snapshot(): LifecycleState {
    // A timer whose wait is already moot (the car arrived) is no longer waited for, even before its branch wakes.
    const timers = [...this.timers.values()].filter((t) => !t.interrupt?.()).map((t): Waiting => ({ ...t.waiting, timer: true }));
    return { ...this.state, waitingFor: [...timers, ...this.steps.waiting()], accepts: this.steps.accepting() };
  }

  /** Identifies the step an activity performs; `at` is the workflow's time of the decision. */
  ctx(): StepContext {
    return { workflowId: this.info.workflowId, runId: this.info.runId, vin: this.state.vin, cycle: this.state.cycle, at: iso(Date.now()) };
  }

  enter(stage: Stage): void {
    this.state.stage = stage;
    this.publish();
  }

  /** Sleeps until `waiting.by`; returns false when `interrupt` became true first. */
  async sleepUntil(stage: Stage, waiting: Waiting, interrupt?: () => boolean): Promise<boolean> {
    const name = `${waiting.rule}:${waiting.what}`;
    this.timers.set(name, { waiting, interrupt });
    this.enter(stage);
    try {
      const remaining = Date.parse(waiting.by) - Date.now();
      if (remaining <= 0) return true;
      if (!interrupt) {
        await wf.sleep(remaining);
        return true;
      }
      return !(await wf.condition(interrupt, remaining));
    } finally {
      this.timers.delete(name);
      this.publish();
    }
  }
}

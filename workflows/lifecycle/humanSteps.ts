// How the lifecycle waits for people. Each step a person performs is a Workflow Update: its validator
// rejects a step the vehicle is not waiting for, and its handler returns the state once the workflow
// has applied the step, or the reason it could not.
import type { UpdateDefinition } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, isCancellation, setHandler } from '@temporalio/workflow';
import { REJECTION_TYPES } from '../shared';
import type { Actor, Waiting } from '../shared';
import type { LifecycleState } from './contract';

interface Ticket {
  input: unknown;
  settled: boolean;
  error?: string;
}

const wrongStage = (message: string) => ApplicationFailure.create({ message, type: REJECTION_TYPES.wrongStage, nonRetryable: true });
const invalidInput = (message: string) => ApplicationFailure.create({ message, type: REJECTION_TYPES.invalidInput, nonRetryable: true });

type StepUpdate<I extends Actor> = UpdateDefinition<LifecycleState, [I]>;

export class HumanSteps {
  private readonly open = new Map<string, { waiting?: Waiting; until: () => boolean }>();
  private readonly inbox = new Map<string, Ticket>();
  /** The scopes in which a person's step is being applied, while it is. */
  private readonly applyScopes = new Set<CancellationScope>();

  /**
   * `isIdle` tells when the workflow has finished the automatic work that follows a step, so the
   * Update answers with the state a person would see next, not a half-way one.
   */
  constructor(
    private readonly snapshot: () => LifecycleState,
    private readonly onWaitingChanged: () => void,
    private readonly isIdle: () => boolean,
  ) {}

  /** What people owe the workflow right now. */
  waiting(): Waiting[] {
    return [...this.open.values()].flatMap((o) => (o.waiting && !o.until() ? [o.waiting] : []));
  }

  /**
   * The Updates a person may send now, owed or not (an inbound booking, a walk-in, more work found): what
   * the pages offer, so they never offer a step the validator would refuse as out of turn.
   */
  accepting(): string[] {
    return [...this.open.entries()].flatMap(([name, o]) => (!o.until() && !this.inbox.has(name) ? [name] : []));
  }

  /**
   * Whether the code running now applies a person's step (`perform`'s `apply`), however many awaits
   * into it: its activities then refuse bad data at once instead of retrying it.
   */
  applyingStep(): boolean {
    for (let scope: CancellationScope | undefined = CancellationScope.current(); scope; scope = scope.parent) {
      if (this.applyScopes.has(scope)) return true;
    }
    return false;
  }

  /** Registers the Update; `validate` throws with a reason a person can act on. */
  accept<I extends Actor>(update: StepUpdate<I>, validate: (input: NoInfer<I>) => void = () => undefined): void {
    setHandler(
      update,
      async (input: I) => {
        const ticket: Ticket = { input, settled: false };
        this.inbox.set(update.name, ticket);
        await condition(() => ticket.settled && (ticket.error !== undefined || this.isIdle()));
        if (ticket.error !== undefined) throw ApplicationFailure.create({ message: ticket.error, type: REJECTION_TYPES.stepRejected, nonRetryable: true });
        return this.snapshot();
      },
      {
        validator: (input: I) => {
          const open = this.open.get(update.name);
          if (!open || open.until()) {
            const state = this.snapshot();
            const waits = state.waitingFor.map((w) => w.what).join(', ') || 'nothing from people';
            throw wrongStage(`${update.name} is not possible now: vehicle ${state.vin} is at stage ${state.stage}, waiting for ${waits}`);
          }
          if (this.inbox.has(update.name)) throw wrongStage(`${update.name} is already being processed`);
          if (!input || typeof input.actor !== 'string' || input.actor.trim() === '') throw invalidInput('actor is required');
          try {
            validate(input);
          } catch (err) {
            throw invalidInput((err as Error).message);
          }
        },
      },
    );
  }

  /**
   * Waits for a person to perform a step, applies it, and returns its input and result. An application
   * error of the applying activity (e.g. an unknown bay) goes back to that person and the step stays open.
   * Returns undefined when `until` became true first (e.g. the vehicle left before the step was done).
   * A step nobody owes (the workshop may or may not find more work) passes no `waiting`: it is accepted
   * but not listed as awaited.
   */
  async perform<I extends Actor, R>(
    update: StepUpdate<I>,
    waiting: Waiting | undefined,
    apply: (input: NoInfer<I>) => Promise<R>,
    until: () => boolean = () => false,
  ): Promise<{ input: I; result: R } | undefined> {
    this.open.set(update.name, { waiting, until });
    this.onWaitingChanged();
    try {
      for (;;) {
        await condition(() => this.inbox.has(update.name) || until());
        const ticket = this.inbox.get(update.name);
        if (until()) {
          if (ticket) this.settle(update.name, ticket, `${update.name} is no longer possible: vehicle ${this.snapshot().vin} has moved on`);
          return undefined;
        }
        if (!ticket) continue;
        // A scope of its own marks the activities it calls as this person's (`applyingStep`); it issues
        // no command, and a manager's CLOSE still cancels it with the rest of the cycle.
        const scope = new CancellationScope();
        this.applyScopes.add(scope);
        try {
          const input = ticket.input as I;
          const result = await scope.run(() => apply(input));
          this.settle(update.name, ticket);
          return { input, result };
        } catch (err) {
          // Activities retry without limit, so an application failure that reaches here is final (e.g. an
          // unknown bay, or data the database refused): it is the person's to fix, not a reason to fail
          // the vehicle's lifecycle. A local activity's failure arrives as the application failure
          // itself, a remote one wrapped.
          const cause = err instanceof ActivityFailure ? err.cause : err;
          if (!(cause instanceof ApplicationFailure)) {
            // A manager's CLOSE cancelled the step while it was applied: the person hears that it was not
            // applied — an Update left waiting would also keep the closed lifecycle from ever completing.
            if (isCancellation(err)) this.settle(update.name, ticket, `${update.name} was not applied: vehicle ${this.snapshot().vin} was closed meanwhile`);
            throw err;
          }
          this.settle(update.name, ticket, cause.message);
        } finally {
          this.applyScopes.delete(scope);
        }
      }
    } finally {
      this.open.delete(update.name);
      this.onWaitingChanged();
    }
  }

  private settle(name: string, ticket: Ticket, error?: string): void {
    ticket.error = error;
    ticket.settled = true;
    this.inbox.delete(name);
  }
}

/**
 * The activity stubs to use: `step`'s while a person's step is being applied, `system`'s otherwise. Both
 * issue the same commands; only their retry policies differ (see DATA_ERROR_TYPE).
 */
export function routeSteps<T extends object>(system: T, step: T, applyingStep: () => boolean): T {
  return new Proxy(system, {
    get(target, prop) {
      return Reflect.get(applyingStep() ? step : target, prop);
    },
  });
}

/**
 * Wraps activity stubs to count calls in flight, the workflow's measure of being idle; `track` counts
 * any other awaited command (a child workflow's start) the same way.
 */
export function countInFlight<T extends object>(activities: T): { activities: T; idle: () => boolean; track: <R>(p: Promise<R>) => Promise<R> } {
  let inFlight = 0;
  const track = async <R>(p: Promise<R>): Promise<R> => {
    inFlight++;
    try {
      return await p;
    } finally {
      inFlight--;
    }
  };
  const wrapped = new Proxy(activities, {
    get(target, prop, receiver) {
      const fn = Reflect.get(target, prop, receiver) as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => track(fn(...args));
    },
  });
  return { activities: wrapped, idle: () => inFlight === 0, track };
}

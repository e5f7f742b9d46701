// R25: what the fleet request's workflow asks of the database; implemented in activities/fleetRequests.ts.
import type { StepContext } from '../../activities/stepContext';
import type { FleetRequestInput } from './definitions';

export interface FleetRequestActivities {
  /** Records the request with its answer deadline and opens the service advisors' task, due then. */
  recordFleetRequest(ctx: StepContext, input: FleetRequestInput, answerBy: string): Promise<null>;
  /**
   * The deadline passed: pages the service manager and gives them the task, unless the answer committed
   * meanwhile (its signal may still be on the way), which it reports instead.
   */
  escalateFleetRequest(ctx: StepContext, input: FleetRequestInput, answerBy: string): Promise<{ alreadyAnswered: boolean }>;
}

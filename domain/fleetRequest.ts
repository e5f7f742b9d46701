// R25: a corporate fleet asks for service at least 24 h ahead; the store answers with time and place
// within 24 h of receiving the request. Both are the fleet's clock hours, not the store's working hours:
// the fleet plans its vehicles around the calendar, and an answer deadline in working hours could fall
// after the very time the fleet asked for (a Friday-evening request for Monday morning). Workflow code
// imports this, so it keeps to plain arithmetic.
import { HOUR_MS } from './calendar';

/** R25: how far ahead of the requested service time a fleet must ask. */
export const FLEET_LEAD_HOURS = 24;
/** R25: how long the store has to answer a request with time and place. */
export const FLEET_ANSWER_HOURS = 24;

/** The R25 refusal of a request that comes too late, or undefined when it is early enough. */
export function leadTimeShortfall(receivedAtMs: number, requestedForMs: number): string | undefined {
  if (requestedForMs - receivedAtMs >= FLEET_LEAD_HOURS * HOUR_MS) return undefined;
  return `a fleet request must come at least ${FLEET_LEAD_HOURS} hours before the requested service time (R25)`;
}

/** R25: when the store's answer is due. */
export function fleetAnswerDeadline(receivedAtMs: number): number {
  return receivedAtMs + FLEET_ANSWER_HOURS * HOUR_MS;
}

/** An open request past its answer deadline (the page shows it highlighted; the service manager was paged). */
export function isAnswerOverdue(request: { answeredAt: Date | null; answerBy: Date }, nowMs: number): boolean {
  return request.answeredAt === null && nowMs > request.answerBy.getTime();
}

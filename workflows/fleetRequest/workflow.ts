// R25: one fleet request, from its receipt until the store answers with time and place. The service
// advisors have 24 hours; a request still unanswered then goes to the service manager (paged, with the
// task), like the first rung of the R18 ladder. The workflow ends there: the manager's task stays in
// their inbox until somebody answers, and the answer command closes it.
import * as wf from '@temporalio/workflow';
import { fleetAnswerDeadline } from '../../domain/fleetRequest';
import type { FleetRequestActivities } from './activities';
import { iso } from '../shared';
import { fleetRequestAnswered, FleetRequestInput, FleetRequestState, getFleetRequest } from './definitions';

const acts = wf.proxyActivities<FleetRequestActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

export async function fleetRequest(input: FleetRequestInput): Promise<void> {
  const info = wf.workflowInfo();
  const ctx = () => ({ workflowId: info.workflowId, runId: info.runId, vin: input.vins[0], cycle: 1, at: iso(Date.now()) });
  const deadline = fleetAnswerDeadline(Date.now());
  const state: FleetRequestState = { answerBy: iso(deadline), answered: false, escalated: false };
  wf.setHandler(getFleetRequest, () => state);
  wf.setHandler(fleetRequestAnswered, () => {
    state.answered = true;
  });

  await acts.recordFleetRequest(ctx(), input, state.answerBy);
  if (await wf.condition(() => state.answered, Math.max(deadline - Date.now(), 1))) return;
  const { alreadyAnswered } = await acts.escalateFleetRequest(ctx(), input, state.answerBy);
  state.answered = alreadyAnswered;
  state.escalated = !alreadyAnswered;
}

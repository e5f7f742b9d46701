// Sends a person's step to the running workflow as an Update; the API and the web UI share it so both
// give the same answers (404 no lifecycle, 409 wrong stage, 422 wrong data).
import type { Client } from '@temporalio/client';
import { careWorkflowId, recordCareCall } from '../workflows/careDefinitions';
import { answerFailureTicket, LifecycleState, lifecycleWorkflowId } from '../workflows/definitions';
import { HttpError } from './httpError';
import type { StepRoute } from './steps';
import { isWorkflowNotFound, updateRejection } from './workflowErrors';

async function sendUpdate<T>(send: () => Promise<T>, notFound: string, rejectedStatus?: 409): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (isWorkflowNotFound(err)) throw new HttpError(404, notFound);
    const rejection = updateRejection(err);
    if (rejection) throw new HttpError(rejectedStatus ?? rejection.status, rejection.reason);
    throw err;
  }
}

export function runLifecycleStep(client: Client, vin: string, step: StepRoute, body: object, actor: string): Promise<LifecycleState> {
  return sendUpdate(() => client.workflow.getHandle(lifecycleWorkflowId(vin)).executeUpdate(step.update, { args: [{ ...body, actor }] }), `no running lifecycle for VIN ${vin}`);
}

export function runCareCall(client: Client, vin: string, body: object, actor: string): Promise<unknown> {
  return sendUpdate(() => client.workflow.getHandle(careWorkflowId(vin)).executeUpdate(recordCareCall, { args: [{ ...(body as { contact: never; outcome: string }), actor }] }), `no care contacts for VIN ${vin}`);
}

export function runTicketAnswer(client: Client, ticketId: string, body: { answer: string }, actor: string): Promise<unknown> {
  return sendUpdate(() => client.workflow.getHandle(ticketId).executeUpdate(answerFailureTicket, { args: [{ ...body, actor }] }), `no service-failure ticket ${ticketId}`, 409);
}

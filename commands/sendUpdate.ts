// A command's Update to its workflow, with the workflow's refusal turned into the answer a person gets:
// 404 no such workflow, 409 not at this step, 422 data wrong for this vehicle.
import { HttpError } from '../api/httpError';
import { isWorkflowNotFound, updateRejection } from '../api/workflowErrors';

export async function sendUpdate<T>(send: () => Promise<T>, notFound: string, rejectedStatus?: 409): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (isWorkflowNotFound(err)) throw new HttpError(404, notFound);
    const rejection = updateRejection(err);
    if (rejection) throw new HttpError(rejectedStatus ?? rejection.status, rejection.reason);
    throw err;
  }
}

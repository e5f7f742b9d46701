// A command's Update to its workflow, with the workflow's refusal turned into the answer a person gets:
// 404 no such workflow, 409 not at this step, 422 data wrong for this vehicle — and never silence: an
// Update not answered within the wait answers 504 with where the step stands.
import { HttpError } from '../api/httpError';
import { isWorkflowNotFound, updateRejection } from '../api/workflowErrors';

/** How long a person's request waits for the workflow to accept and apply a step. */
export const UPDATE_WAIT_MS = 10_000;

export interface UpdateOptions {
  waitMs?: number;
  /** Where the subject stands, for the 504 answer. */
  whereItStands?: () => Promise<unknown>;
}

class StillRunning {}

export async function sendUpdate<T>(send: () => Promise<T>, notFound: string, options: UpdateOptions = {}): Promise<T> {
  const update = send();
  const waitMs = options.waitMs ?? UPDATE_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<StillRunning>((resolve) => {
    timer = setTimeout(() => resolve(new StillRunning()), waitMs);
  });
  try {
    const result = await Promise.race([update, waited]);
    if (result instanceof StillRunning) {
      // The Update goes on in the workflow; its outcome shows in the vehicle's state and history.
      update.catch(() => undefined);
      const state = await options.whereItStands?.().catch(() => undefined);
      throw new HttpError(504, `the step was sent but not applied within ${waitMs / 1000} s; it may still be applied — check the vehicle before sending it again`, undefined, state === undefined ? undefined : { state });
    }
    return result;
  } catch (err) {
    if (isWorkflowNotFound(err)) throw new HttpError(404, notFound);
    const rejection = updateRejection(err);
    if (rejection) throw new HttpError(rejection.status, rejection.reason);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

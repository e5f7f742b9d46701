// What managers filter lifecycles on (GET /api/workflows, the Temporal UI): the vehicle's identity, and its
// stage and next deadline as the workflow comes to rest.
import * as wf from '@temporalio/workflow';
import { LifecycleState, SA_ADVISOR, SA_NEXT_DEADLINE, SA_PLATE, SA_STAGE, SA_STORE, SA_VIN, VehicleFacts } from './contract';

/** The API sets the identity attributes at start and continue-as-new carries them over; only a run started otherwise sets them. */
export function publishIdentity(vehicle: VehicleFacts): void {
  if (wf.workflowInfo().typedSearchAttributes.get(SA_VIN) === vehicle.vin) return;
  wf.upsertSearchAttributes([
    { key: SA_VIN, value: vehicle.vin },
    { key: SA_PLATE, value: vehicle.plate },
    { key: SA_STORE, value: vehicle.storeId },
    ...(vehicle.advisorId ? [{ key: SA_ADVISOR, value: vehicle.advisorId }] : []),
  ]);
}

/**
 * Publishes the stage and the next deadline once the workflow is at rest (`idle`: no activity in flight),
 * not before and after each activity of a step: conditions are evaluated once the workflow has run as far
 * as it can, so an upsert carries the state a step comes to rest in, and only when that changed. Returns
 * what to call whenever the state may have changed.
 */
export function publishAtRest(snapshot: () => LifecycleState, idle: () => boolean): () => void {
  let due = false;
  let published = '';
  void (async () => {
    for (;;) {
      await wf.condition(() => due && idle());
      due = false;
      const { stage, waitingFor } = snapshot();
      const next = waitingFor.map((w) => w.by).sort()[0];
      const key = `${stage}|${next ?? ''}`;
      if (key === published) continue;
      published = key;
      wf.upsertSearchAttributes([
        { key: SA_STAGE, value: stage },
        { key: SA_NEXT_DEADLINE, value: next ? new Date(next) : null },
      ]);
    }
  })();
  return () => {
    due = true;
  };
}

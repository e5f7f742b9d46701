import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { getState, LifecycleState } from '../workflows/definitions';

/** Lets simulated time run to each timer the lifecycle reports until it is at `stage`. */
export async function advanceTo(env: TestWorkflowEnvironment, handle: WorkflowHandle, stage: string, onState?: (s: LifecycleState) => void): Promise<LifecycleState> {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(getState);
    onState?.(state);
    if (state.stage === stage) return state;
    const now = await env.currentTimeMs();
    const next = state.waitingFor.map((w) => Date.parse(w.by)).filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next === undefined && state.waitingFor.length > 0 && i > 0) {
      throw new Error(`the vehicle waits at ${state.stage} for ${state.waitingFor.map((w) => w.what).join(', ')}; it never reaches ${stage} by itself`);
    }
    await env.sleep(next === undefined ? 1000 : next - now + 1000);
  }
  throw new Error(`the vehicle never reached ${stage}`);
}

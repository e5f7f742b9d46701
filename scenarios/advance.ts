import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { getState, LifecycleState } from '../workflows/definitions';

const realTime = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets simulated time run to each timer the lifecycle reports until it is at `stage`. */
export async function advanceTo(env: TestWorkflowEnvironment, handle: WorkflowHandle, stage: string, onState?: (s: LifecycleState) => void): Promise<LifecycleState> {
  let steps = 0;
  for (let polls = 0; steps < 200 && polls < 1000; polls++) {
    const state = await handle.query(getState);
    const now = await env.currentTimeMs();
    // A timer whose time has come but which the state still shows has fired on the server, and the
    // worker has not run the workflow on yet (a busy machine): ask again rather than skip past it.
    if (state.waitingFor.some((w) => w.timer && Date.parse(w.by) <= now)) {
      await realTime(20);
      continue;
    }
    onState?.(state);
    if (state.stage === stage) return state;
    const next = state.waitingFor.map((w) => Date.parse(w.by)).filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next === undefined && state.waitingFor.length > 0 && steps > 0) {
      throw new Error(`the vehicle waits at ${state.stage} for ${state.waitingFor.map((w) => w.what).join(', ')}; it never reaches ${stage} by itself`);
    }
    await env.sleep(next === undefined ? 1000 : next - now + 1000);
    steps++;
  }
  throw new Error(`the vehicle never reached ${stage}`);
}

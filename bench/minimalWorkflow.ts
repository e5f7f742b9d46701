// The floor a human step is measured against (bench/stepVsMinimalUpdate.ts): a workflow with one Update
// handler that does nothing but count, so its latency is Temporal's own round trip through the worker.
import { condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';

export const bump = defineUpdate<number, [string]>('bump');
export const count = defineQuery<number>('count');

export async function minimalUpdateTarget(): Promise<void> {
  let n = 0;
  setHandler(bump, () => ++n);
  setHandler(count, () => n);
  await condition(() => false);
}

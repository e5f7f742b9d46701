/** Identifies one business step of one cycle of one vehicle's workflow; activities key their writes on it. */
export interface StepContext {
  workflowId: string;
  runId: string;
  vin: string;
  cycle: number;
  /** The workflow's time of the decision (ISO), so a retried activity records the same moment. */
  at: string;
}

export function stepKey(ctx: StepContext, step: string): string {
  return `${ctx.workflowId}:${ctx.cycle}:${step}`;
}

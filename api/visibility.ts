import { Client } from '@temporalio/client';
import { SA_ADVISOR, SA_NEXT_DEADLINE, SA_PLATE, SA_STAGE, SA_STORE, SA_VIN } from '../workflows/lifecycle/contract';

export interface LifecycleFilter {
  stage?: string;
  store?: string;
  advisor?: string;
  /** Only lifecycles whose next deadline passed before this instant (ISO): the overdue ones. */
  deadlineBefore?: string;
  limit: number;
}

export interface LifecycleSummary {
  workflowId: string;
  vin?: string;
  plate?: string;
  store?: string;
  advisor?: string;
  stage?: string;
  nextDeadline?: string;
}

/** Values reach the query language inside single quotes; the schemas already restrict them, this keeps it so. */
function quoted(value: string): string {
  return `'${value.replace(/['\\]/g, '')}'`;
}

/** "All vehicles waiting for a confirmation call": running lifecycles filtered on their search attributes. */
export async function listLifecycles(client: Client, f: LifecycleFilter): Promise<LifecycleSummary[]> {
  const clauses = [`WorkflowType = 'vehicleLifecycle'`, `ExecutionStatus = 'Running'`];
  if (f.stage) clauses.push(`${SA_STAGE.name} = ${quoted(f.stage)}`);
  if (f.store) clauses.push(`${SA_STORE.name} = ${quoted(f.store)}`);
  if (f.advisor) clauses.push(`${SA_ADVISOR.name} = ${quoted(f.advisor)}`);
  if (f.deadlineBefore) clauses.push(`${SA_NEXT_DEADLINE.name} < ${quoted(new Date(f.deadlineBefore).toISOString())}`);
  const result: LifecycleSummary[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(f.limit, 1000) })) {
    const sa = wf.typedSearchAttributes;
    result.push({
      workflowId: wf.workflowId,
      vin: sa.get(SA_VIN),
      plate: sa.get(SA_PLATE),
      store: sa.get(SA_STORE),
      advisor: sa.get(SA_ADVISOR),
      stage: sa.get(SA_STAGE),
      nextDeadline: sa.get(SA_NEXT_DEADLINE)?.toISOString(),
    });
    if (result.length >= f.limit) break;
  }
  return result;
}

// R23: one run of the report schedule (reports/schedule.ts). The schedule fires every quarter of an hour;
// the run hands its time to the activities: one delivers every report fallen due in the last day that has
// not gone out yet — so a run skipped while the worker was down is made up by the next one — the other
// opens the tasks for visits whose documents have not reached customer relations.
import * as wf from '@temporalio/workflow';
import type { DeliveredReport, ReportDeliveryActivities } from '../reports/delivery';

const { deliverDueReports, openVisitDocumentTasks } = wf.proxyActivities<ReportDeliveryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export interface ReportDeliveryInput {
  /** One store; every store when absent. */
  storeId?: string;
}

/** How far back a run looks for reports not yet sent: a day of outage is made up, older reports are read on their page. */
export const REPORT_LOOKBACK_HOURS = 24;

export async function reportDelivery(input: ReportDeliveryInput = {}): Promise<DeliveredReport[]> {
  const upTo = new Date(Date.now()).toISOString();
  const delivered = await deliverDueReports({ upTo, lookbackHours: REPORT_LOOKBACK_HOURS, storeId: input.storeId, workflowId: wf.workflowInfo().workflowId });
  // The same quarter-hourly run checks each visit's documents reached customer relations in time.
  await openVisitDocumentTasks({ upTo, storeId: input.storeId });
  return delivered;
}

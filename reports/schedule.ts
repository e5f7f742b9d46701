// R23 reports on time through a Temporal Schedule: every quarter of an hour a run of `reportDelivery`
// delivers what the report calendar says has fallen due. Store opening times sit on quarter hours, so a
// daily report goes out as the store opens. Created once; a second start finds it already there.
import { Client, ScheduleAlreadyRunning, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { LIFECYCLE_TASK_QUEUE } from '../workflows/lifecycle/contract';
import type { ReportDeliveryInput } from '../workflows/reportDelivery';

export const REPORT_SCHEDULE_ID = 'report-delivery';

export async function ensureReportSchedule(client: Client, input: ReportDeliveryInput = {}): Promise<ScheduleHandle> {
  try {
    return await client.schedule.create({
      scheduleId: REPORT_SCHEDULE_ID,
      spec: { intervals: [{ every: '15m' }] },
      action: { type: 'startWorkflow', workflowType: 'reportDelivery', args: [input], taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: REPORT_SCHEDULE_ID, workflowExecutionTimeout: '30m' },
      // A run still going when the next is due makes that one unnecessary: the next after it catches up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    });
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return client.schedule.getHandle(REPORT_SCHEDULE_ID);
    throw err;
  }
}

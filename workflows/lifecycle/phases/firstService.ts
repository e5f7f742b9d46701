// R1b / R22: the first service is due within three months of delivery whatever happens, so one cancelled
// or missed goes to the sales consultant at once, through the vehicle's care workflow, which owns the
// first-three-services calls — not left until the next cycle's reminder.
import * as wf from '@temporalio/workflow';
import { localDate } from '../../../domain/calendar';
import { careWorkflowId, firstServiceMissed } from '../../care/contract';
import { Lifecycle } from '../lifecycle';

export async function followUpMissedFirstService(lc: Lifecycle, reason: string): Promise<void> {
  if (lc.state.dueReason !== 'first-service') return;
  const care = wf.getExternalWorkflowHandle(careWorkflowId(lc.state.vin));
  try {
    await lc.track(care.signal(firstServiceMissed, { on: localDate(Date.now(), lc.settings.utcOffsetMinutes), reason }));
  } catch (err) {
    // A car whose care is over (or never began: not sold here) has no first-three-services programme to tell.
    if (wf.isCancellation(err)) throw err;
  }
}

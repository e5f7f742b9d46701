// R14, R15 and R16 run side by side: the customer may collect before a check or a notice is due.
import { HOUR_MS, localDate } from '../../domain/calendar';
import { pickupNoticeAt } from '../../domain/pickupNotice';
import { progressCheckAt } from '../../domain/progressCheck';
import { deliver, recordProgressCheck } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Job } from './reception';

/** Work until delivery; returns when the vehicle was handed over. */
export async function serviceUntilDelivered(lc: Lifecycle, job: Job): Promise<{ deliveredAt: number; serviceDate: string }> {
  let delivered = false;
  const checks = Promise.all([statusCheckAt80Percent(lc, job, () => delivered), pickupNotice(lc, job, () => delivered)]);
  await lc.steps.perform(deliver, { what: 'delivery and settlement', rule: 'R16', by: iso(job.promisedReadyAt + HOUR_MS) }, (i) =>
    lc.acts.deliverVehicle(lc.ctx(), i, job.repairOrderId, { serviceDate: localDate(Date.now(), lc.settings.utcOffsetMinutes), mileageKm: job.mileageKm }),
  );
  delivered = true;
  const deliveredAt = Date.now();
  lc.state.deliveredAt = iso(deliveredAt);
  lc.enter('WAITING_FOR_FOLLOW_UP');
  await checks;
  return { deliveredAt, serviceDate: localDate(deliveredAt, lc.settings.utcOffsetMinutes) };
}

/** R14: at 80% of the estimated time the SA asks the workshop; a reported delay moves the promised time. */
async function statusCheckAt80Percent(lc: Lifecycle, job: Job, delivered: () => boolean): Promise<void> {
  const checkAt = progressCheckAt(job.checkedInAt, job.promisedReadyAt, lc.settings);
  if (!(await lc.sleepUntil('IN_SERVICE', { what: '80% status check task', rule: 'R14', by: iso(checkAt) }, delivered))) return;
  await lc.acts.openTask(lc.ctx(), { kind: 'PROGRESS_CHECK', rule: 'R14', dueAt: iso(job.promisedReadyAt), assigneeRole: 'SERVICE_ADVISOR' });
  const answer = await lc.steps.perform(
    recordProgressCheck,
    { what: 'workshop answer to the 80% check', rule: 'R14', by: iso(job.promisedReadyAt) },
    (i) => lc.acts.recordProgressCheck(lc.ctx(), i, job.repairOrderId),
    delivered,
  );
  if (answer?.input.newPromisedReadyAt) {
    job.promisedReadyAt = Date.parse(answer.input.newPromisedReadyAt);
    lc.state.promisedReadyAt = answer.input.newPromisedReadyAt;
  }
}

/** R15: the customer is told to come 1 or 4 hours before ready; a moved promise moves the notice. */
async function pickupNotice(lc: Lifecycle, job: Job, delivered: () => boolean): Promise<void> {
  for (;;) {
    const planned = job.promisedReadyAt;
    const noticeAt = pickupNoticeAt(job.checkedInAt, planned, lc.settings);
    const reached = await lc.sleepUntil('IN_SERVICE', { what: 'pickup notice to the customer', rule: 'R15', by: iso(noticeAt) }, () => delivered() || job.promisedReadyAt !== planned);
    if (delivered()) return;
    if (reached) break;
  }
  const { customer, vehicle } = lc.input;
  await lc.acts.queueCustomerMessage(lc.ctx(), { template: 'pickup-notice', rule: 'R15', customer, payload: { plate: vehicle.plate, readyAt: iso(job.promisedReadyAt) } });
}

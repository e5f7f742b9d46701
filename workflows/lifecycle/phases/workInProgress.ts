// R13, R14, R15 and R16 run side by side: the customer may collect before a check or a notice is due.
import * as wf from '@temporalio/workflow';
import { HOUR_MS, localDate } from '../../../domain/calendar';
import { pickupNoticeAt } from '../../../domain/pickupNotice';
import { progressCheckAt } from '../../../domain/progressCheck';
import { workingTimeFrom } from '../../../domain/workingHours';
import { decideAdditionalWork, deliver, recordProgressCheck, reportAdditionalWork } from '../contract';
import { awaitedLater, Lifecycle } from '../lifecycle';
import { iso, ruleTimeOf } from '../../shared';
import type { Job } from '../decisions';

/** R13: the SA's call about additional work is due this soon after the workshop reports it. */
const ADDITIONAL_WORK_CALL_MINUTES = 30;

/** Work until delivery; returns when the vehicle was handed over. */
export async function serviceUntilDelivered(lc: Lifecycle, job: Job): Promise<{ deliveredAt: number; serviceDate: string }> {
  let delivered = false;
  let checkAnswered = false;
  const checks = awaitedLater(Promise.all([
    statusCheckAt80Percent(lc, job, () => delivered).then(() => (checkAnswered = true)),
    pickupNotice(lc, job, () => checkAnswered, () => delivered),
    additionalWork(lc, job, () => delivered),
  ]));
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
  const ruleAt = progressCheckAt(job.checkedInAt, job.promisedReadyAt, lc.settings);
  // A check whose time falls at night or on a closed day is asked when the store opens again.
  const checkAt = workingTimeFrom(ruleAt, lc.workingHours);
  if (!(await lc.sleepUntil('IN_SERVICE', { what: '80% status check task', rule: 'R14', by: iso(checkAt) }, delivered))) return;
  await lc.acts.openTask(lc.ctx(), { kind: 'PROGRESS_CHECK', rule: 'R14', dueAt: iso(Math.max(job.promisedReadyAt, checkAt)), assigneeRole: 'SERVICE_ADVISOR', ...ruleTimeOf(ruleAt, checkAt) });
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
  if (answer && !answer.input.onTime) {
    // R15: a car that will not be ready on time is announced at once, with the reason and an apology.
    const { customer, vehicle } = lc.input;
    await lc.acts.queueCustomerMessage(lc.ctx(), {
      template: 'late-notice',
      rule: 'R15',
      customer,
      payload: { plate: vehicle.plate, readyAt: iso(job.promisedReadyAt), reason: answer.input.note ?? '' },
    });
  }
}

/**
 * R13: whatever the workshop finds is explained to the customer by the SA before it is done; the customer
 * decides, and approved items move the promised time (the pickup notice follows it).
 */
async function additionalWork(lc: Lifecycle, job: Job, delivered: () => boolean): Promise<void> {
  for (let round = 1; ; round++) {
    const found = await lc.steps.perform(reportAdditionalWork, undefined, (i) =>
      lc.acts.reportAdditionalWork(lc.ctx(), i, job.repairOrderId, round, iso(Date.now() + ADDITIONAL_WORK_CALL_MINUTES * 60_000)),
    delivered);
    if (!found) return;
    const items = found.input.items.map((item) => item.description);
    const decision = await lc.steps.perform(
      decideAdditionalWork,
      { what: `customer's decision on additional work (${items.join(', ')})`, rule: 'R13', by: iso(Date.now() + ADDITIONAL_WORK_CALL_MINUTES * 60_000) },
      (i) => {
        const promised = i.approved ? job.promisedReadyAt + found.input.extraHours * HOUR_MS : job.promisedReadyAt;
        return lc.acts.decideAdditionalWork(lc.ctx(), i, job.repairOrderId, round, items, iso(promised));
      },
      delivered,
    );
    if (!decision) return;
    if (decision.input.approved) {
      job.promisedReadyAt += found.input.extraHours * HOUR_MS;
      lc.state.promisedReadyAt = iso(job.promisedReadyAt);
    }
  }
}

/**
 * R15: the customer is told to come 1 or 4 hours before ready; a moved promise moves the notice. R14 before
 * R15: never while the workshop's check is still open, so "please come" is not followed by "sorry, it will
 * be late" — a notice whose time comes first waits for the answer, and a delay answered moves it.
 */
async function pickupNotice(lc: Lifecycle, job: Job, checkAnswered: () => boolean, delivered: () => boolean): Promise<void> {
  for (;;) {
    const planned = job.promisedReadyAt;
    const moved = () => delivered() || job.promisedReadyAt !== planned;
    const noticeAt = pickupNoticeAt(job.checkedInAt, planned, lc.settings);
    const reached = await lc.sleepUntil('IN_SERVICE', { what: 'pickup notice to the customer', rule: 'R15', by: iso(noticeAt) }, moved);
    if (reached) await wf.condition(() => checkAnswered() || moved());
    if (delivered()) return;
    if (!moved()) break;
  }
  const { customer, vehicle } = lc.input;
  await lc.acts.queueCustomerMessage(lc.ctx(), { template: 'pickup-notice', rule: 'R15', customer, payload: { plate: vehicle.plate, readyAt: iso(job.promisedReadyAt) } });
}

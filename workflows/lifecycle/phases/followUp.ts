import * as wf from '@temporalio/workflow';
import { followUpCallWindow } from '../../../domain/contactSchedule';
import { failureGrade, fullySatisfied, needsFailureTicket } from '../../../domain/serviceFailure';
import { failureTicketWorkflowId } from '../../failureTicket/contract';
import { FollowUpInput, recordFollowUp, recordSalesCall } from '../contract';
import { iso } from '../../shared';
import { Lifecycle } from '../lifecycle';
import { serviceFailureTicket } from '../../failureTicket/workflow';

/** R17: the follow-up call 3 days after delivery (2 for a first service) with CSI scores. */
export async function followUpCall(lc: Lifecycle, deliveredAt: number): Promise<void> {
  const firstService = lc.input.history.lastServiceDate === undefined && lc.input.history.skippedDueDate === undefined;
  const call = followUpCallWindow(deliveredAt, firstService, lc.settings);
  await lc.sleepUntil('WAITING_FOR_FOLLOW_UP', { what: 'follow-up call task', rule: 'R17', by: iso(call.at) });
  await lc.acts.openTask(lc.ctx(), { kind: 'FOLLOW_UP_CALL', rule: 'R17', dueAt: iso(call.by), assigneeRole: 'CUSTOMER_RELATIONS' });
  lc.enter('AWAITING_FOLLOW_UP');
  const { input } = (await lc.steps.perform(recordFollowUp, { what: 'follow-up call with CSI scores', rule: 'R17', by: iso(call.by) }, (i) =>
    lc.acts.recordFollowUp(lc.ctx(), i),
  ))!;
  await recoverService(lc, input, firstService);
}

/** R18 / R24: a dissatisfied customer gets a ticket of its own; R19: a first-service customer a sales call. */
async function recoverService(lc: Lifecycle, survey: FollowUpInput, firstService: boolean): Promise<void> {
  const s = lc.settings;
  const scores = [survey.attitudeScore, survey.qualityScore];
  const qualityLoss = survey.qualityLossCny ?? 0;
  if (needsFailureTicket(scores, s) || qualityLoss > s.majorQualityLossCny) {
    const grade = failureGrade(scores, s, survey.failureGrade, qualityLoss);
    // The ticket outlives this cycle: it keeps paging while the vehicle's next cycle begins.
    await lc.track(
      wf.startChild(serviceFailureTicket, {
        workflowId: failureTicketWorkflowId(lc.state.vin, lc.state.cycle),
        parentClosePolicy: 'ABANDON',
        args: [
          {
            vin: lc.state.vin,
            storeId: lc.state.storeId,
            cycle: lc.state.cycle,
            grade,
            rule: qualityLoss > s.majorQualityLossCny ? 'R24' : 'R18',
            reason: survey.comment ?? `CSI attitude ${survey.attitudeScore}, quality ${survey.qualityScore}`,
            scores: { attitude: survey.attitudeScore, quality: survey.qualityScore },
            openedBy: survey.actor,
            workingHours: { openingHours: lc.workingHours.openingHours, holidays: lc.workingHours.holidays },
          },
        ],
      }),
    );
    lc.state.failureTicket = failureTicketWorkflowId(lc.state.vin, lc.state.cycle);
  }
  if (firstService && !fullySatisfied(scores)) {
    const callBy = iso(Date.now() + s.salesCallWithinDays * 24 * 3_600_000);
    await lc.acts.openTask(lc.ctx(), { kind: 'SATISFACTION_CALL', rule: 'R19', dueAt: callBy, assigneeRole: 'SALES_CONSULTANT' });
    lc.enter('AWAITING_SALES_CALL');
    await lc.steps.perform(recordSalesCall, { what: "sales consultant's call: the real reason (first service)", rule: 'R19', by: callBy }, (i) =>
      lc.acts.recordSalesCall(lc.ctx(), i),
    );
  }
}

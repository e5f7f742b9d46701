import { followUpCallWindow } from '../../domain/contactSchedule';
import { recordFollowUp } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';

/** R17: the follow-up call 3 days after delivery (2 for a first service) with CSI scores. */
export async function followUpCall(lc: Lifecycle, deliveredAt: number): Promise<void> {
  const firstService = lc.input.history.lastServiceDate === undefined;
  const call = followUpCallWindow(deliveredAt, firstService, lc.settings);
  await lc.sleepUntil('WAITING_FOR_FOLLOW_UP', { what: 'follow-up call task', rule: 'R17', by: iso(call.at) });
  await lc.acts.openTask(lc.ctx(), { kind: 'FOLLOW_UP_CALL', rule: 'R17', dueAt: iso(call.by), assigneeRole: 'CUSTOMER_RELATIONS' });
  lc.enter('AWAITING_FOLLOW_UP');
  await lc.steps.perform(recordFollowUp, { what: 'follow-up call with CSI scores', rule: 'R17', by: iso(call.by) }, (i) => lc.acts.recordFollowUp(lc.ctx(), i));
}

// R18 / R24: one service-failure remedy ticket. It pages its owners and, unanswered by the deadline,
// climbs the ladder (recording the late points) and pages the next level, until somebody answers.
// A page nobody acknowledges within the store's acknowledgement time climbs at once; an acknowledged
// one keeps the ticket at its level until the answer deadline.
import * as wf from '@temporalio/workflow';
import type { FailureTicketActivities } from './activities';
import { answerDeadline, escalationLadder } from '../../domain/serviceFailure';
import { answerFailureTicket, FailureTicketAnswer, FailureTicketInput, getFailureTicket, acknowledgePage, AcknowledgedTicketState, PageAcknowledgement } from './contract';
import { DATA_ERROR_TYPE, REJECTION_TYPES, stepRefusal, iso } from '../shared';

const retry: wf.RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['UnknownStore'] };
const acts = wf.proxyActivities<FailureTicketActivities>({ startToCloseTimeout: '1 minute', retry });
/**
 * The same activities for the owner's answer (the answerFailureTicket Update): data the database refuses is
 * final there, so the answer is refused (422) and the ticket stays open for a corrected one; the activity
 * is told so in the call (`PersonsStep`, activities/auditedStep.ts: a remote activity does not always see
 * its retry policy) and records the refusal. The same commands as `acts`: only the retry policy differs.
 */
const stepActs = wf.proxyActivities<FailureTicketActivities>({ startToCloseTimeout: '1 minute', retry: { ...retry, nonRetryableErrorTypes: [...retry.nonRetryableErrorTypes!, DATA_ERROR_TYPE] } });

/** A refusal the API tells apart: out of turn (409) or input it cannot take (422). */
const refusal = (type: string, message: string) => wf.ApplicationFailure.create({ message, type, nonRetryable: true });

export async function serviceFailureTicket(input: FailureTicketInput): Promise<void> {
  const info = wf.workflowInfo();
  const ctx = () => ({ workflowId: info.workflowId, runId: info.runId, vin: input.vin, cycle: input.cycle, at: iso(Date.now()) });
  const ladder = escalationLadder(input.grade);
  const state: AcknowledgedTicketState = {
    vin: input.vin,
    grade: input.grade,
    level: 0,
    owners: ladder[0].roles,
    answerBy: '',
    answered: false,
    escalations: [],
    acknowledgements: [],
  };
  let answering = false;
  const acknowledged = (level: number, round: number) => state.acknowledgements.some((a) => a.level === level && a.round === round);

  wf.setHandler(getFailureTicket, () => state);
  wf.setHandler(acknowledgePage, (ack: PageAcknowledgement) => {
    if (!acknowledged(ack.level, ack.round)) state.acknowledgements.push(ack);
  });
  wf.setHandler(
    answerFailureTicket,
    async (answer: FailureTicketAnswer) => {
      answering = true;
      try {
        await stepActs.answerFailureTicket(ctx(), answer, { dataErrorsFinal: true });
        state.answered = true;
      } catch (err) {
        // Refused (422): the ticket stays unanswered, and no longer being answered, for a corrected answer.
        throw stepRefusal(err);
      } finally {
        answering = false;
      }
      return state;
    },
    {
      validator: (answer) => {
        if (state.answered || answering) throw refusal(REJECTION_TYPES.wrongStage, 'the ticket is already answered');
        if (!answer || typeof answer.actor !== 'string' || answer.actor.trim() === '') throw refusal(REJECTION_TYPES.invalidInput, 'actor is required');
        if (typeof answer.answer !== 'string' || [...answer.answer.trim()].length < 2) throw refusal(REJECTION_TYPES.invalidInput, 'answer must say what was done for the customer');
      },
    },
  );

  const s = await acts.loadStoreSettings(input.storeId);
  // Escalations count the store's working hours (its contact hours where it keeps no opening hours).
  const hours = input.workingHours && { ...input.workingHours, utcOffsetMinutes: s.utcOffsetMinutes, contactStartTime: s.contactStartTime, contactEndTime: s.contactEndTime };
  let deadline = answerDeadline(Date.now(), input.grade, 0, s, hours);
  await acts.openFailureTicket(ctx(), input, ladder[0].roles[0], iso(deadline));
  for (let level = 0, round = 0; ; ) {
    Object.assign(state, { level, owners: ladder[level].roles, answerBy: iso(deadline) });
    state.escalations.push({ level, owners: ladder[level].roles, at: iso(Date.now()) });
    await acts.pageEscalationLevel(ctx(), { storeId: input.storeId, level, round, roles: ladder[level].roles, answerBy: iso(deadline), grade: input.grade, reason: input.reason });
    // The top of the ladder has nobody to pass an unacknowledged page to: it waits for its answer.
    const ackBy = Math.min(Date.now() + s.pageAckMinutes * 60_000, deadline);
    const waitForAck = s.pageAckMinutes > 0 && level < ladder.length - 1;
    if (waitForAck && !(await wf.condition(() => state.answered || acknowledged(level, round), Math.max(ackBy - Date.now(), 1)))) {
      await acts.recordLateAnswer(ctx(), { level, round, roles: ladder[level].roles, points: ladder[level].latePenaltyPoints, unacknowledged: true });
      level++;
      round = 0;
      deadline = answerDeadline(Date.now(), input.grade, level, s, hours);
      continue;
    }
    if (await wf.condition(() => state.answered, deadline - Date.now())) break;
    await acts.recordLateAnswer(ctx(), { level, round, roles: ladder[level].roles, points: ladder[level].latePenaltyPoints });
    // The top of the ladder is paged again every period until it answers: nothing is dropped.
    if (level < ladder.length - 1) {
      level++;
      round = 0;
    } else {
      round++;
    }
    deadline = answerDeadline(Date.now(), input.grade, level, s, hours);
  }
  await wf.condition(wf.allHandlersFinished);
}

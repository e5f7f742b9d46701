// R18 / R24: one service-failure ticket as the general and service managers read it: the car and its
// customer, the loss and what happened, the R24 loop's stages with who and when, the escalation ladder
// with its pages and acknowledgements, and the answer. Read from the database alone (tickets, audit
// trail, pages), so the page stands when Temporal is away and after the ticket's workflow has ended.
import type { Db } from '../activities/database';
import { resolveStoreSettings } from '../domain/storeSettings';

/** R24's quality-information loop: register → confirm/analyse → act → feedback → close → archive. */
export const LOOP_STAGES = ['REGISTER', 'CONFIRM', 'ACT', 'FEEDBACK', 'CLOSE', 'ARCHIVE'] as const;
export type LoopStage = (typeof LOOP_STAGES)[number];

export interface LoopRecords {
  opened?: { by: string; at: Date };
  acknowledgements: Array<{ by: string; at: Date }>;
  answer?: { by: string; at: Date };
  /** The answer's audit record once the database trigger has sealed it into the vehicle's hash chain. */
  sealed?: { at: Date; chainSeq: number };
}

export interface LoopStep {
  stage: LoopStage;
  done: boolean;
  by?: string;
  at?: Date;
  /** Which record stands for the stage: the product keeps one answer for acting, the feedback and closing. */
  record?: 'opened' | 'acknowledged' | 'answered' | 'chained';
}

/**
 * Where the loop stands. Registering is the ticket's opening (the follow-up call that found the incident);
 * confirming is the first acknowledged page; the owner's answer says what was done and told the customer,
 * and closes the ticket (act, feedback and close are that one record); archiving is the answer sealed in
 * the tamper-evident audit chain.
 */
export function loopSteps(r: LoopRecords): LoopStep[] {
  const firstAck = [...r.acknowledgements].sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  const answered = r.answer && { done: true, by: r.answer.by, at: r.answer.at, record: 'answered' as const };
  return [
    { stage: 'REGISTER', ...(r.opened ? { done: true, ...r.opened, record: 'opened' as const } : { done: false }) },
    { stage: 'CONFIRM', ...(firstAck ? { done: true, ...firstAck, record: 'acknowledged' as const } : { done: false }) },
    { stage: 'ACT', ...(answered ?? { done: false }) },
    { stage: 'FEEDBACK', ...(answered ?? { done: false }) },
    { stage: 'CLOSE', ...(answered ?? { done: false }) },
    { stage: 'ARCHIVE', ...(r.sealed ? { done: true, at: r.sealed.at, record: 'chained' as const } : { done: false }) },
  ];
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
const dataOf = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** The page's facts for a ticket (its workflow id); null when there is no such ticket. */
export async function qualityIncident(db: Db, ticketId: string) {
  const ticket = await db.serviceFailureTicket.findFirst({ where: { workflowId: ticketId }, include: { vehicle: { include: { customer: true, store: true } } } });
  if (!ticket) return null;
  const cycle = ticket.cycle ?? Number(ticketId.slice(ticketId.lastIndexOf('-c') + 2));
  const [events, pages, survey, order] = await Promise.all([
    db.auditEvent.findMany({ where: { workflowId: ticketId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }),
    db.notification.findMany({ where: { workflowId: ticketId, template: 'failure-ticket-page' }, orderBy: [{ createdAt: 'asc' }, { recipient: 'asc' }] }),
    db.followUpSurvey.findFirst({ where: { vin: ticket.vin, cycle }, orderBy: { recordedAt: 'desc' } }),
    db.repairOrder.findFirst({ where: { vin: ticket.vin, cycle }, include: { items: { orderBy: { description: 'asc' } } }, orderBy: { createdAt: 'desc' } }),
  ]);
  const opened = events.find((e) => e.action === 'failure-ticket.opened');
  const answered = events.find((e) => e.action === 'failure-ticket.answered');
  const acknowledged = pages.filter((p) => p.acknowledgedAt).map((p) => ({ by: p.acknowledgedBy ?? p.recipient, at: p.acknowledgedAt! }));
  const staffIds = [opened?.actor, ticket.answeredBy, survey?.recordedBy, ...acknowledged.map((a) => a.by)].filter((id): id is string => !!id);
  // A page is acknowledged by its recipient, which is a person's e-mail or phone where they have one.
  const staff = await db.staff.findMany({ where: { OR: [{ id: { in: staffIds } }, { email: { in: staffIds } }, { phone: { in: staffIds } }] }, select: { id: true, name: true, email: true, phone: true } });
  const nameOf = (id: string) => staff.find((s) => s.id === id || s.email === id || s.phone === id)?.name ?? id;

  const settings = resolveStoreSettings(ticket.vehicle.store.settings);
  const loss = ticket.qualityLossCny ?? survey?.qualityLossCny ?? null;
  const openedData = dataOf(opened?.data);
  const openedScores = dataOf(openedData.scores);
  const steps = loopSteps({
    opened: opened && { by: nameOf(opened.actor), at: opened.occurredAt },
    acknowledgements: acknowledged.map((a) => ({ by: nameOf(a.by), at: a.at })),
    answer: ticket.answeredAt && ticket.answeredBy ? { by: nameOf(ticket.answeredBy), at: ticket.answeredAt } : undefined,
    sealed: answered?.chainSeq != null ? { at: answered.recordedAt, chainSeq: answered.chainSeq } : undefined,
  });

  // The ladder: each page round with the people and group robots it reached, and the late points it cost.
  const ladder = events
    .filter((e) => e.action === 'failure-ticket.paged')
    .map((e) => {
      const d = dataOf(e.data);
      const level = numberOr(d.level, 0);
      const round = numberOr(d.round, 0);
      const late = events.find((l) => l.action === 'failure-ticket.answer-late' && numberOr(dataOf(l.data).level, -1) === level && numberOr(dataOf(l.data).round, -1) === round);
      const lateData = dataOf(late?.data);
      return {
        level,
        round,
        roles: Array.isArray(d.roles) ? (d.roles as string[]) : [],
        pagedAt: e.occurredAt,
        answerBy: typeof d.answerBy === 'string' ? d.answerBy : null,
        pages: pages
          .filter((p) => numberOr(dataOf(p.payload).level, 0) === level && numberOr(dataOf(p.payload).round, 0) === round)
          .map((p) => ({ channel: p.channel, recipient: p.recipient, status: p.status, sentAt: p.sentAt, acknowledgedAt: p.acknowledgedAt, acknowledgedBy: p.acknowledgedBy && nameOf(p.acknowledgedBy) })),
        late: late ? { at: late.occurredAt, points: numberOr(lateData.points, 0), unacknowledged: lateData.unacknowledged === true } : null,
      };
    });

  return {
    id: ticketId,
    rule: ticket.rule,
    grade: ticket.grade,
    cycle,
    vehicle: { vin: ticket.vin, plate: ticket.vehicle.plate, model: ticket.vehicle.model, storeId: ticket.vehicle.storeId, store: ticket.vehicle.store.name },
    customer: { name: ticket.vehicle.customer.name, phone: ticket.vehicle.customer.phone },
    loss: loss && {
      cny: loss.toFixed(2),
      thresholdCny: settings.majorQualityLossCny.toFixed(2),
      // R24: above the store's threshold the incident went to leadership at once.
      major: loss.greaterThan(settings.majorQualityLossCny),
    },
    whatHappened: ticket.qualityIncident ?? survey?.qualityIncident ?? null,
    reason: ticket.reason,
    scores: survey ? { attitude: survey.attitudeScore, quality: survey.qualityScore } : typeof openedScores.attitude === 'number' ? { attitude: openedScores.attitude, quality: numberOr(openedScores.quality, 0) } : null,
    call: survey && { by: nameOf(survey.recordedBy), at: survey.recordedAt, comment: survey.comment },
    repairOrder: order && { cycle: order.cycle, status: order.status, checkedInAt: order.checkedInAt, deliveredAt: order.deliveredAt, settledCny: order.settledCny?.toFixed(2) ?? null, items: order.items.map((i) => i.description) },
    owner: { role: ticket.ownerRole, level: ticket.level, answerBy: ticket.answerBy },
    answered: ticket.answeredAt !== null,
    answer: ticket.answeredAt && { text: ticket.answer, by: nameOf(ticket.answeredBy ?? ''), at: ticket.answeredAt, late: ticket.answeredAt > ticket.answerBy },
    steps,
    ladder,
  };
}

export type QualityIncident = NonNullable<Awaited<ReturnType<typeof qualityIncident>>>;

// R23 report figures as pure functions over the store's rows: a manager can trust a number because each
// carries the vehicles behind it. Days are the store's local days; `asOf` is when the report is read, so
// "open" and "overdue" mean open at that instant.
import { addDays, localTime } from '../domain/calendar';
import type { ReportKind, ReportPeriod } from './calendar';

export interface BookingRow {
  vin: string;
  bookedFor: Date;
  channel: string;
  status: string;
}

export interface RepairOrderRow {
  vin: string;
  cycle: number;
  checkedInAt: Date | null;
  deliveredAt: Date | null;
  /** The order came from a walk-in (R12), not a booking. */
  walkIn: boolean;
}

export interface TaskRow {
  vin: string;
  kind: string;
  status: string;
  createdAt: Date;
  dueAt: Date;
  completedAt: Date | null;
}

export interface SurveyRow {
  vin: string;
  cycle: number;
  recordedAt: Date;
  attitudeScore: number;
  qualityScore: number;
}

export interface TicketRow {
  vin: string;
  grade: string;
  createdAt: Date;
  answerBy: Date;
  answeredAt: Date | null;
}

export interface ReportRows {
  bookings: BookingRow[];
  repairOrders: RepairOrderRow[];
  tasks: TaskRow[];
  surveys: SurveyRow[];
  tickets: TicketRow[];
}

export interface Figure {
  key: string;
  /** How many rows (bookings, tasks, deliveries …) the figure counts. */
  count: number;
  /** The figure's base where it is a share (3DC coverage: deliveries owed a call). */
  base?: number;
  /** The vehicles behind the number, each once, sorted. */
  vins: string[];
}

export interface ReportSection {
  key: string;
  figures: Figure[];
}

export interface ReportFigures {
  kind: ReportKind;
  period: ReportPeriod;
  asOf: string;
  sections: ReportSection[];
}

export interface ReportSettings {
  utcOffsetMinutes: number;
  /** R18: a CSI score below this is a service failure. */
  failureScoreBelow: number;
  /** R17: days after delivery by which the 3DC call is owed (its window's end). */
  followUpWindowEndDays: number;
}

interface Span {
  from: number;
  to: number;
}

function span(period: ReportPeriod, utcOffsetMinutes: number): Span {
  return { from: localTime(period.from, '00:00', utcOffsetMinutes), to: localTime(addDays(period.to, 1), '00:00', utcOffsetMinutes) };
}

const within = (at: Date | null, s: Span) => at !== null && at.getTime() >= s.from && at.getTime() < s.to;

function figure<T extends { vin: string }>(key: string, rows: T[], base?: number): Figure {
  return { key, count: rows.length, ...(base === undefined ? {} : { base }), vins: [...new Set(rows.map((r) => r.vin))].sort() };
}

/** Open at an instant: created by then, and done or cancelled only later (both stamp completedAt). */
function openAt(task: TaskRow, at: number): boolean {
  if (task.createdAt.getTime() > at) return false;
  return task.status === 'OPEN' || (task.completedAt !== null && task.completedAt.getTime() > at);
}

function taskFigures(tasks: TaskRow[], asOf: number): Figure[] {
  const open = tasks.filter((t) => openAt(t, asOf));
  return [figure('openTasks', open), figure('overdueTasks', open.filter((t) => t.dueAt.getTime() < asOf))];
}

/** One day's bookings, arrivals and no-shows (walk-ins apart: they were never booked). */
function dayFigures(rows: ReportRows, s: Span, prefix: string): Figure[] {
  const booked = rows.bookings.filter((b) => b.channel !== 'WALK_IN' && within(b.bookedFor, s));
  return [
    figure(`${prefix}Bookings`, booked.filter((b) => b.status !== 'CANCELLED')),
    figure(`${prefix}Arrivals`, booked.filter((b) => b.status === 'ARRIVED')),
    figure(`${prefix}NoShows`, booked.filter((b) => b.status === 'NO_SHOW')),
    figure(`${prefix}Cancelled`, booked.filter((b) => b.status === 'CANCELLED')),
    figure(`${prefix}WalkIns`, rows.repairOrders.filter((o) => o.walkIn && within(o.checkedInAt, s))),
  ];
}

/** A week's or a month's workshop: bookings, arrivals, deliveries, follow-ups, failures. */
function periodFigures(rows: ReportRows, s: Span, settings: ReportSettings): ReportSection[] {
  const booked = rows.bookings.filter((b) => b.channel !== 'WALK_IN' && within(b.bookedFor, s));
  const checkedIn = rows.repairOrders.filter((o) => within(o.checkedInAt, s));
  const surveys = rows.surveys.filter((v) => within(v.recordedAt, s));
  return [
    {
      key: 'bookings',
      figures: [
        figure('bookings', booked.filter((b) => b.status !== 'CANCELLED')),
        figure('arrivals', booked.filter((b) => b.status === 'ARRIVED')),
        figure('noShows', booked.filter((b) => b.status === 'NO_SHOW')),
        figure('cancelled', booked.filter((b) => b.status === 'CANCELLED')),
      ],
    },
    {
      key: 'workshop',
      figures: [
        figure('checkIns', checkedIn),
        // R8: booked volume against all the workshop received.
        figure('bookedCheckIns', checkedIn.filter((o) => !o.walkIn), checkedIn.length),
        figure('walkIns', checkedIn.filter((o) => o.walkIn)),
        figure('deliveries', rows.repairOrders.filter((o) => within(o.deliveredAt, s))),
      ],
    },
    {
      key: 'customers',
      figures: [
        figure('surveys', surveys),
        figure('lowScores', surveys.filter((v) => Math.min(v.attitudeScore, v.qualityScore) < settings.failureScoreBelow)),
        figure('ticketsOpened', rows.tickets.filter((t) => within(t.createdAt, s))),
      ],
    },
  ];
}

/** Daily, before work: yesterday's and today's bookings, arrivals and no-shows, open and overdue tasks. */
export function dailyReport(rows: ReportRows, period: ReportPeriod, asOf: Date, settings: ReportSettings): ReportFigures {
  const yesterday = span({ from: period.from, to: period.from }, settings.utcOffsetMinutes);
  const today = span({ from: period.to, to: period.to }, settings.utcOffsetMinutes);
  return {
    kind: 'DAILY',
    period,
    asOf: asOf.toISOString(),
    sections: [
      { key: 'yesterday', figures: dayFigures(rows, yesterday, 'yesterday') },
      { key: 'today', figures: dayFigures(rows, today, 'today') },
      { key: 'tasks', figures: taskFigures(rows.tasks, asOf.getTime()) },
    ],
  };
}

/** Weekly (Saturday) and monthly (month end): the period's figures and the tasks open as it is read. */
export function periodReport(kind: 'WEEKLY' | 'MONTHLY', rows: ReportRows, period: ReportPeriod, asOf: Date, settings: ReportSettings): ReportFigures {
  return {
    kind,
    period,
    asOf: asOf.toISOString(),
    sections: [...periodFigures(rows, span(period, settings.utcOffsetMinutes), settings), { key: 'tasks', figures: taskFigures(rows.tasks, asOf.getTime()) }],
  };
}

/**
 * The 3DC report (R17) of a month's deliveries: each owed its follow-up call; covered when a survey of that
 * visit was recorded, missed when the window closed without one, pending while it is still open.
 */
export function surveyReport(rows: ReportRows, period: ReportPeriod, asOf: Date, settings: ReportSettings): ReportFigures {
  const s = span(period, settings.utcOffsetMinutes);
  const delivered = rows.repairOrders.filter((o) => within(o.deliveredAt, s));
  const surveyOf = (o: RepairOrderRow) => rows.surveys.find((v) => v.vin === o.vin && v.cycle === o.cycle);
  const covered = delivered.filter((o) => surveyOf(o));
  const windowClosed = (o: RepairOrderRow) => o.deliveredAt!.getTime() + settings.followUpWindowEndDays * 86_400_000 <= asOf.getTime();
  const scores = covered.map((o) => ({ vin: o.vin, score: Math.min(surveyOf(o)!.attitudeScore, surveyOf(o)!.qualityScore) }));
  return {
    kind: 'SURVEY_3DC',
    period,
    asOf: asOf.toISOString(),
    sections: [
      {
        key: 'coverage',
        figures: [
          figure('deliveries', delivered),
          figure('surveyed', covered, delivered.length),
          figure('missed', delivered.filter((o) => !surveyOf(o) && windowClosed(o))),
          figure('pending', delivered.filter((o) => !surveyOf(o) && !windowClosed(o))),
          figure('lowScores', scores.filter((v) => v.score < settings.failureScoreBelow)),
        ],
      },
    ],
  };
}

/** The service-failure report (R18, R24) of a month: tickets opened by grade, answered on time or late, still open. */
export function failureReport(rows: ReportRows, period: ReportPeriod, asOf: Date, settings: ReportSettings): ReportFigures {
  const s = span(period, settings.utcOffsetMinutes);
  const opened = rows.tickets.filter((t) => within(t.createdAt, s));
  const at = asOf.getTime();
  const answered = opened.filter((t) => t.answeredAt !== null && t.answeredAt.getTime() <= at);
  return {
    kind: 'SERVICE_FAILURE',
    period,
    asOf: asOf.toISOString(),
    sections: [
      { key: 'grades', figures: ['A', 'B', 'C', 'D'].map((g) => figure(`grade${g}`, opened.filter((t) => t.grade === g))) },
      {
        key: 'answers',
        figures: [
          figure('ticketsOpened', opened),
          figure('answeredOnTime', answered.filter((t) => t.answeredAt!.getTime() <= t.answerBy.getTime()), opened.length),
          figure('answeredLate', answered.filter((t) => t.answeredAt!.getTime() > t.answerBy.getTime())),
          figure('stillOpen', opened.filter((t) => !answered.includes(t))),
        ],
      },
    ],
  };
}

/** The report of a kind over its period, read at `asOf`. */
export function reportFigures(kind: ReportKind, rows: ReportRows, period: ReportPeriod, asOf: Date, settings: ReportSettings): ReportFigures {
  switch (kind) {
    case 'DAILY':
      return dailyReport(rows, period, asOf, settings);
    case 'WEEKLY':
    case 'MONTHLY':
      return periodReport(kind, rows, period, asOf, settings);
    case 'SURVEY_3DC':
      return surveyReport(rows, period, asOf, settings);
    case 'SERVICE_FAILURE':
      return failureReport(rows, period, asOf, settings);
  }
}

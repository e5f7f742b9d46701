// A month of one store's after-sales (November 2026, Shanghai time) with the figures R23's reports must
// show: each row below says which figures it belongs in, so the expectations are read off the seed, not
// off the code under test. A second store's car on the same days must never appear.
import type { Db } from '../../activities/database';
import { localTime } from '../../domain/calendar';

export const REPORT_STORE = 'store-rpt';
export const OTHER_STORE = 'store-rpt-other';
const OFFSET = 480;

/** VIN of car `n` of the month's store (1–8), and the other store's car (9). */
export const vinOf = (n: number) => `LSVREP0RT0000000${n}`;

/** An instant given as the store's wall clock, 'YYYY-MM-DD HH:MM'. */
export const local = (at: string) => new Date(localTime(at.slice(0, 10), at.slice(11, 16), OFFSET));

type Booking = { car: number; at: string; status: 'TENTATIVE' | 'CONFIRMED' | 'ARRIVED' | 'NO_SHOW' | 'CANCELLED'; walkIn?: boolean; checkedIn?: string; delivered?: string };

/** Contact hours 09:00–18:00 every day, no opening hours: the daily report is due at 09:00. */
export const BOOKINGS: Booking[] = [
  { car: 1, at: '2026-11-09 10:00', status: 'ARRIVED', checkedIn: '2026-11-09 10:05', delivered: '2026-11-09 16:00' },
  { car: 2, at: '2026-11-09 14:00', status: 'NO_SHOW' },
  { car: 3, at: '2026-11-09 15:00', status: 'CANCELLED' },
  { car: 4, at: '2026-11-10 10:00', status: 'CONFIRMED' },
  { car: 5, at: '2026-11-10 11:00', status: 'TENTATIVE' },
  { car: 6, at: '2026-11-09 11:00', status: 'ARRIVED', walkIn: true, checkedIn: '2026-11-09 11:00', delivered: '2026-11-09 15:00' },
  // 00:30 on the 11th in Shanghai is still the 10th in UTC: not one of the 10th's bookings.
  { car: 7, at: '2026-11-11 00:30', status: 'CANCELLED' },
  { car: 8, at: '2026-11-12 09:30', status: 'ARRIVED', checkedIn: '2026-11-12 09:35', delivered: '2026-11-13 11:00' },
  { car: 7, at: '2026-11-30 10:00', status: 'ARRIVED', walkIn: true, checkedIn: '2026-11-30 10:00', delivered: '2026-11-30 17:00' },
  { car: 9, at: '2026-11-10 10:00', status: 'ARRIVED', checkedIn: '2026-11-10 10:00', delivered: '2026-11-10 12:00' },
];

type TaskSeed = { car: number; kind: 'NO_SHOW_CALL' | 'CONFIRMATION_CALL' | 'FOLLOW_UP_CALL' | 'REMINDER_CALL'; created: string; due: string; done?: string };

export const TASKS: TaskSeed[] = [
  { car: 2, kind: 'NO_SHOW_CALL', created: '2026-11-09 15:00', due: '2026-11-09 18:00' },
  { car: 4, kind: 'CONFIRMATION_CALL', created: '2026-11-08 09:00', due: '2026-11-10 18:00' },
  // Done after the 10th's report went out: open in it.
  { car: 1, kind: 'FOLLOW_UP_CALL', created: '2026-11-09 16:00', due: '2026-11-12 18:00', done: '2026-11-10 12:00' },
  { car: 5, kind: 'REMINDER_CALL', created: '2026-11-01 09:00', due: '2026-11-02 18:00', done: '2026-11-02 10:00' },
  // Opened after the 10th's report went out.
  { car: 8, kind: 'REMINDER_CALL', created: '2026-11-10 10:00', due: '2026-11-20 18:00' },
  { car: 9, kind: 'NO_SHOW_CALL', created: '2026-11-09 15:00', due: '2026-11-09 18:00' },
];

export const SURVEYS = [
  { car: 1, at: '2026-11-11 10:00', attitude: 6, quality: 9 },
  { car: 8, at: '2026-11-14 10:00', attitude: 9, quality: 9 },
];

export const TICKETS = [
  { car: 1, grade: 'C', created: '2026-11-11 10:00', answerBy: '2026-11-12 10:00', answered: '2026-11-12 09:00' },
  { car: 2, grade: 'B', created: '2026-11-20 10:00', answerBy: '2026-11-21 10:00', answered: '2026-11-22 10:00' },
  { car: 3, grade: 'A', created: '2026-11-29 10:00', answerBy: '2026-11-30 10:00' },
  // 07:30 on 1 November in Shanghai is 31 October in UTC: November's.
  { car: 4, grade: 'D', created: '2026-11-01 07:30', answerBy: '2026-11-02 07:30' },
  // 06:00 on 1 December in Shanghai is 30 November in UTC: December's.
  { car: 5, grade: 'B', created: '2026-12-01 06:00', answerBy: '2026-12-02 06:00' },
] as const;

/** The expected figures of each report, by figure key: the cars behind it (count = rows, given when it differs). */
export const EXPECTED = {
  daily: {
    period: { from: '2026-11-09', to: '2026-11-10' },
    figures: {
      yesterdayBookings: [1, 2],
      yesterdayArrivals: [1],
      yesterdayNoShows: [2],
      yesterdayCancelled: [3],
      yesterdayWalkIns: [6],
      todayBookings: [4, 5],
      todayArrivals: [],
      todayNoShows: [],
      todayCancelled: [],
      todayWalkIns: [],
      openTasks: [1, 2, 4],
      overdueTasks: [2],
    },
  },
  weekly: {
    period: { from: '2026-11-08', to: '2026-11-14' },
    figures: {
      bookings: [1, 2, 4, 5, 8],
      arrivals: [1, 8],
      noShows: [2],
      cancelled: [3, 7],
      checkIns: [1, 6, 8],
      bookedCheckIns: [1, 8],
      walkIns: [6],
      deliveries: [1, 6, 8],
      surveys: [1, 8],
      lowScores: [1],
      ticketsOpened: [1],
      openTasks: [2, 4, 8],
      overdueTasks: [2, 4],
    },
  },
  monthly: {
    period: { from: '2026-11-01', to: '2026-11-30' },
    figures: {
      bookings: [1, 2, 4, 5, 8],
      arrivals: [1, 8],
      noShows: [2],
      cancelled: [3, 7],
      checkIns: [1, 6, 7, 8],
      bookedCheckIns: [1, 8],
      walkIns: [6, 7],
      deliveries: [1, 6, 7, 8],
      surveys: [1, 8],
      lowScores: [1],
      ticketsOpened: [1, 2, 3, 4],
      openTasks: [2, 4, 8],
      overdueTasks: [2, 4, 8],
    },
  },
  survey3dc: {
    period: { from: '2026-11-01', to: '2026-11-30' },
    figures: {
      deliveries: [1, 6, 7, 8],
      surveyed: [1, 8],
      // Delivered on the 9th, never surveyed: the window closed long before the 5 December report.
      missed: [6],
      // Delivered on the 30th at 17:00: its 5-day window is still open at 09:00 on 5 December.
      pending: [7],
      lowScores: [1],
    },
  },
  failures: {
    period: { from: '2026-11-01', to: '2026-11-30' },
    figures: {
      gradeA: [3],
      gradeB: [2],
      gradeC: [1],
      gradeD: [4],
      ticketsOpened: [1, 2, 3, 4],
      answeredOnTime: [1],
      answeredLate: [2],
      stillOpen: [3, 4],
    },
  },
} as const;

export async function seedReportMonth(db: Db): Promise<void> {
  for (const [id, name] of [[REPORT_STORE, '报表示范店'], [OTHER_STORE, '另一家店']]) {
    await db.store.create({ data: { id, name, timeZone: 'Asia/Shanghai', settings: { contactStartTime: '09:00', contactEndTime: '18:00' } } });
  }
  for (let car = 1; car <= 9; car++) {
    const storeId = car === 9 ? OTHER_STORE : REPORT_STORE;
    const customer = await db.customer.create({ data: { storeId, name: `客户${car}`, phone: `1390000070${car}` } });
    await db.vehicle.create({
      data: {
        vin: vinOf(car),
        plate: `苏F7000${car}`,
        model: 'Lavida',
        storeId,
        customerId: customer.id,
        deliveryDate: new Date('2026-08-01'),
        mileageKm: 3000,
        mileageRecordedAt: local('2026-11-01 09:00'),
        avgDailyKm: 30,
        workflowId: `vehicle-${vinOf(car)}`,
      },
    });
  }
  for (const [i, b] of BOOKINGS.entries()) {
    const storeId = b.car === 9 ? OTHER_STORE : REPORT_STORE;
    const booking = await db.booking.create({
      data: { idempotencyKey: `seed-booking-${i}`, vin: vinOf(b.car), storeId, cycle: 1, channel: b.walkIn ? 'WALK_IN' : 'PHONE', status: b.status, bookedFor: local(b.at), createdBy: 'seed' },
    });
    if (b.checkedIn) {
      await db.repairOrder.create({
        data: {
          idempotencyKey: `seed-order-${i}`,
          vin: vinOf(b.car),
          bookingId: booking.id,
          cycle: 1,
          status: b.delivered ? 'DELIVERED' : 'IN_PROGRESS',
          checkedInAt: local(b.checkedIn),
          deliveredAt: b.delivered ? local(b.delivered) : null,
        },
      });
    }
  }
  for (const [i, t] of TASKS.entries()) {
    await db.task.create({
      data: {
        idempotencyKey: `seed-task-${i}`,
        vin: vinOf(t.car),
        workflowId: `vehicle-${vinOf(t.car)}`,
        cycle: 1,
        kind: t.kind,
        rule: 'R23-seed',
        status: t.done ? 'DONE' : 'OPEN',
        dueAt: local(t.due),
        assigneeRole: 'CUSTOMER_RELATIONS',
        createdAt: local(t.created),
        completedAt: t.done ? local(t.done) : null,
      },
    });
  }
  for (const [i, s] of SURVEYS.entries()) {
    await db.followUpSurvey.create({ data: { idempotencyKey: `seed-survey-${i}`, vin: vinOf(s.car), cycle: 1, attitudeScore: s.attitude, qualityScore: s.quality, recordedBy: 'seed', recordedAt: local(s.at) } });
  }
  for (const [i, t] of TICKETS.entries()) {
    await db.serviceFailureTicket.create({
      data: {
        idempotencyKey: `seed-ticket-${i}`,
        vin: vinOf(t.car),
        grade: t.grade,
        reason: 'CSI seed',
        ownerRole: 'SERVICE_MANAGER',
        answerBy: local(t.answerBy),
        answeredAt: 'answered' in t ? local(t.answered) : null,
        createdAt: local(t.created),
      },
    });
  }
}

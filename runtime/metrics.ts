// What a service manager and IT watch, for Prometheus. The business gauges are read from the database
// at scrape time rather than kept in memory, so every API replica reports the same truth and a restart
// loses nothing; the failing-lifecycles gauge uses the very query behind the managers' stuck list, so the
// number on the dashboard and the rows on the page cannot disagree.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../activities/database';
import { NotificationStatus, TaskKind } from '../generated/prisma/enums';
import { stuckLifecycles } from '../api/stuckRoutes';
import type { Clock } from './clock';

export interface Metrics {
  registry: Registry;
  /** A refused sign-in: `kind` is api or web, `reason` wrong_credentials or rate_limited. */
  signInFailures: Counter<'kind' | 'reason'>;
}

export function createMetrics({ db, clock }: { db: Db; clock: Clock }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'service_lane_' });

  new Gauge({
    name: 'service_lane_open_tasks',
    help: 'Open tasks for staff, by kind; overdue="true" when past their due time',
    labelNames: ['kind', 'overdue'] as const,
    registers: [registry],
    async collect() {
      const now = clock.now();
      const [open, overdue] = await Promise.all([
        db.task.groupBy({ by: ['kind'], where: { status: 'OPEN' }, _count: { _all: true } }),
        db.task.groupBy({ by: ['kind'], where: { status: 'OPEN', dueAt: { lt: now } }, _count: { _all: true } }),
      ]);
      const count = (rows: typeof open, kind: string) => rows.find((r) => r.kind === kind)?._count._all ?? 0;
      this.reset();
      for (const kind of Object.values(TaskKind)) {
        this.set({ kind, overdue: 'true' }, count(overdue, kind));
        this.set({ kind, overdue: 'false' }, count(open, kind) - count(overdue, kind));
      }
    },
  });

  new Gauge({
    name: 'service_lane_outbox_messages',
    help: 'Messages in the notifications outbox, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.notification.groupBy({ by: ['status'], _count: { _all: true } });
      this.reset();
      for (const status of Object.values(NotificationStatus)) this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    },
  });

  new Gauge({
    name: 'service_lane_outbox_oldest_queued_age_seconds',
    help: 'How long the oldest queued message has been due (0 when none is due): a stalled sender shows here first',
    registers: [registry],
    async collect() {
      const now = clock.now();
      // Messages held back on purpose (quiet hours) are not late until their time comes.
      const oldest = await db.notification.findFirst({ where: { status: 'QUEUED', scheduledFor: { lte: now } }, orderBy: { scheduledFor: 'asc' }, select: { scheduledFor: true } });
      this.set(oldest ? Math.floor((now.getTime() - oldest.scheduledFor.getTime()) / 1000) : 0);
    },
  });

  new Gauge({
    name: 'service_lane_failing_lifecycles',
    help: "Lifecycles whose activity keeps failing: the managers' stuck list (GET /api/workflows/stuck), all stores",
    registers: [registry],
    async collect() {
      this.set((await stuckLifecycles(db, { now: clock.now() })).length);
    },
  });

  const signInFailures = new Counter({
    name: 'service_lane_sign_in_failures_total',
    help: 'Refused sign-ins since this process started, by kind (api, web) and reason',
    labelNames: ['kind', 'reason'] as const,
    registers: [registry],
  });

  return { registry, signInFailures };
}

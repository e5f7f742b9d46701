// The workshop plan pages (R6, R8): the capacity view (bays × time of day, a day or a week) and the
// technical director's preparation board with its "pick parts" form. They read through the same
// functions as the capacity and parts endpoints (api/workshopPlan.ts) and pick with the same command
// (commands/parts.ts).
import express, { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { checkAccess, principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { inStore } from '../../api/auth/principal';
import { dateRange } from '../../api/capacityRoutes';
import { HttpError } from '../../api/httpError';
import { boardQuery } from '../../api/partsRoutes';
import { BoardRow, CapacityDay, capacityDays, preparationBoard } from '../../api/workshopPlan';
import { loadStoreCapacity } from '../../activities/capacityModel';
import { runCommand } from '../../commands/command';
import { pickPartsCommand } from '../../commands/parts';
import { addDays, CalendarDate, isCalendarDate, localDate, localTime } from '../../domain/calendar';
import { BAY_KINDS, weekdayOf } from '../../domain/capacity';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { bayRow, capacityBar, capacityBarSvg, gridColumns, hourHeaders, minuteOfDay, Span } from '../capacityGrid';
import { notFound, page, WebContext } from '../context';
import { localPath, setFlash, takeFlash } from '../flash';
import { Lang, label, text } from '../i18n';
import { REFUSALS } from '../refusal';
import { langOf, renderPage } from '../render';

const storeKey = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : undefined);

/** As in the API: one store's people see their own store; those who span stores may choose one. */
async function pageStore(ctx: WebContext, req: Request) {
  const p = principalOf(req);
  const asked = storeKey(req.query.store);
  const storeId = asked ?? p.storeId;
  if (!inStore(p, storeId)) throw notFound(`unknown store ${storeId}`);
  const stores = p.allStores ? await ctx.db.store.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } }) : [];
  return { storeId, stores: stores.map((s) => ({ ...s, selected: s.id === storeId })), allStores: p.allStores };
}

function dateParam(value: unknown, fallback: CalendarDate, name: string): CalendarDate {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !isCalendarDate(value)) throw new HttpError(400, `${name} must be a calendar date YYYY-MM-DD`);
  return value;
}

function rangeOrRefuse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

const MINUTES_PER_DAY = 1440;
const PADDING = 60;

/** The hours shown for every day of the view: the widest opening of the range with an hour of closed time either side. */
function shownHours(days: CapacityDay[], midnightOf: (date: string) => number): Span {
  const open = days.filter((d) => d.opensAt && d.closesAt).map((d) => ({ start: minuteOfDay(Date.parse(d.opensAt!), midnightOf(d.date)), end: minuteOfDay(Date.parse(d.closesAt!), midnightOf(d.date)) }));
  if (open.length === 0) return { start: 8 * 60, end: 18 * 60 };
  return { start: Math.max(0, Math.min(...open.map((o) => o.start)) - PADDING), end: Math.min(MINUTES_PER_DAY, Math.max(...open.map((o) => o.end)) + PADDING) };
}

function dayView(lang: Lang, day: CapacityDay, shown: Span, gridMinutes: number, midnight: number) {
  const open = day.opensAt && day.closesAt ? { start: minuteOfDay(Date.parse(day.opensAt), midnight), end: minuteOfDay(Date.parse(day.closesAt), midnight) } : null;
  const columns = gridColumns(shown, open, gridMinutes);
  const kinds = [...BAY_KINDS, ...new Set(day.bays.map((b) => b.kind).filter((k) => !(BAY_KINDS as readonly string[]).includes(k)))];
  const groups = kinds
    .map((kind) => ({
      kind,
      bays: day.bays
        .filter((b) => b.kind === kind)
        .map((b) => {
          const placed = b.reservations.map((r) => ({ ...r, start: minuteOfDay(Date.parse(r.start), midnight), end: minuteOfDay(Date.parse(r.end), midnight), startsAt: r.start, endsAt: r.end }));
          const row = bayRow(columns, placed, gridMinutes);
          return { bayId: b.bayId, name: b.name, cells: row.cells, unplaced: row.unplaced };
        }),
    }))
    .filter((g) => g.bays.length > 0);
  const bar = (kind: string | null) => {
    const cap = kind ? day.capacity.byKind[kind] : day.capacity.total;
    const booked = kind ? (day.bookedMinutes.byKind[kind] ?? 0) : day.bookedMinutes.total;
    const b = capacityBar(cap ?? { bookableMinutes: 0, reservedMinutes: 0 }, booked);
    return { kind, ...b, loadPercent: Math.round(b.load * 100), svg: capacityBarSvg(b, `${kind ? label(lang, 'bayKind', kind) : text(lang, 'total')}: ${booked} / ${b.bookableMinutes} + ${b.reservedMinutes}`) };
  };
  return {
    dayDate: day.date,
    weekday: String(weekdayOf(day.date)),
    closed: day.closed,
    headers: hourHeaders(columns),
    width: columns.length + 1,
    groups,
    unplaced: groups.flatMap((g) => g.bays.flatMap((b) => b.unplaced.map((r) => ({ ...r, bay: b.name })))),
    bars: [bar(null), ...groups.map((g) => bar(g.kind))],
  };
}

export function capacityPages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/capacity', page('capacity.read'), async (req, res) => {
    const lang = langOf(req);
    const { storeId, stores, allStores } = await pageStore(ctx, req);
    const capacity = await loadStoreCapacity(ctx.db, storeId);
    if (!capacity) throw notFound(`unknown store ${storeId}`);
    const offset = capacity.model.utcOffsetMinutes;
    const now = ctx.clock.now();
    const day = dateParam(req.query.day, localDate(now.getTime(), offset), 'day');
    const week = req.query.view === 'week';
    // Weeks start on Monday, as the workshop plans them.
    const from = week ? addDays(day, -((weekdayOf(day) + 6) % 7)) : day;
    const range = rangeOrRefuse(dateRange, { from, to: week ? addDays(from, 6) : from });
    const days = await capacityDays(ctx.db, storeId, capacity, range, now);
    const midnightOf = (date: string) => localTime(date, '00:00', offset);
    const shown = shownHours(days, midnightOf);
    const step = week ? 7 : 1;
    const link = (d: string, w = week) => `/capacity?store=${encodeURIComponent(storeId)}&day=${d}${w ? '&view=week' : ''}`;
    res.send(
      renderPage(req, 'capacity', text(lang, 'capacity'), {
        storeId,
        stores,
        allStores,
        day,
        week,
        range,
        gridMinutes: capacity.settings.slotGridMinutes,
        links: { previous: link(addDays(day, -step)), next: link(addDays(day, step)), day: link(day, false), week: link(day, true), board: `/preparation-board?store=${encodeURIComponent(storeId)}&from=${range.from}&to=${range.to}` },
        days: days.map((d) => dayView(lang, d, shown, capacity.settings.slotGridMinutes, midnightOf(d.date))),
      }),
    );
  });

  router.get('/preparation-board', page('capacity.read'), async (req, res) => {
    const p = principalOf(req);
    const lang = langOf(req);
    const { storeId, stores, allStores } = await pageStore(ctx, req);
    const store = await ctx.db.store.findUnique({ where: { id: storeId } });
    if (!store) throw notFound(`unknown store ${storeId}`);
    const now = ctx.clock.now().getTime();
    const today = localDate(now, resolveStoreSettings(store.settings).utcOffsetMinutes);
    const from = dateParam(req.query.from, today, 'from');
    const range = rangeOrRefuse(boardQuery, { from, to: dateParam(req.query.to, addDays(from, 6), 'to') });
    const [rows, technicians] = await Promise.all([
      preparationBoard(ctx.db, storeId, range, now),
      ctx.db.staff.findMany({ where: { storeId, role: 'TECHNICIAN' }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
    ]);
    const mayPick = can(p.role, 'parts.pick');
    const returnTo = req.originalUrl;
    res.send(
      renderPage(req, 'preparationBoard', text(lang, 'preparationBoard'), {
        storeId,
        stores,
        allStores,
        range,
        returnTo,
        flash: takeFlash(req, res),
        capacityLink: `/capacity?store=${encodeURIComponent(storeId)}&day=${range.from}`,
        rows: (rows ?? []).map((r: BoardRow, i, all) => ({
          ...r,
          newDay: i === 0 || all[i - 1].bookedDate !== r.bookedDate,
          baskets: [...new Set(r.parts.items.map((item) => item.basketLabel).filter((l): l is string => !!l))],
          pickForm: mayPick && r.parts.items.some((item) => item.status === 'RESERVED') ? { technicians: technicians.map((t) => ({ ...t, selected: t.id === r.technicianId })) } : undefined,
        })),
      }),
    );
  });

  // The same command as POST /api/bookings/:id/parts/pick: the result or the refusal comes back as a message.
  router.post('/preparation-board/:bookingId/pick', async (req: Request, res: Response) => {
    const p = checkAccess(req, 'parts.pick');
    const lang = langOf(req);
    const back = localPath(req.body?.returnTo, '/preparation-board');
    try {
      const picked = await runCommand(ctx.commands, p, pickPartsCommand, { bookingId: String(req.params.bookingId) }, { technicianId: req.body?.technicianId });
      setFlash(res, { kind: 'ok', message: `${text(lang, 'partsPicked')}: ${picked.basketLabel} (${picked.parts.map((x) => `${x.partNumber} × ${x.quantity}`).join(', ')})` });
    } catch (err) {
      // Another store's booking does not exist (404); the form's one field is the technician (400).
      if (!(err instanceof HttpError && REFUSALS.includes(err.status))) throw err;
      setFlash(res, { kind: 'error', message: `${text(lang, 'stepRefused')}: ${err.status === 400 ? text(lang, 'chooseTechnician') : err.message}` });
    }
    res.redirect(back);
  });
  return router;
}

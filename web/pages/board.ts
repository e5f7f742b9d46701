// Today's welcome board (R11): the day's booked arrivals, kept apart from walk-ins (R12).
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can, maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { stepForm } from '../actions';
import { page, WebContext } from '../context';
import { takeFlash } from '../flash';
import { text } from '../i18n';
import { langOf, renderPage, STORE_TIME_ZONE } from '../render';
import { resolveForm } from '../resolveForm';

/** Start and end of the store's calendar day that contains `now`. */
export function storeDay(now: Date, timeZone = STORE_TIME_ZONE): { day: string; start: Date; end: Date } {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const offsetName = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+08:00';
  const offset = offsetName === 'GMT' ? '+00:00' : offsetName.replace('GMT', '');
  const start = new Date(`${day}T00:00:00${offset}`);
  return { day, start, end: new Date(start.getTime() + 86_400_000) };
}

export function boardPages(ctx: WebContext): Router {
  const router = express.Router();
  router.get('/board', page('board.view'), async (req, res) => {
    const p = principalOf(req);
    const storeId = p.allStores && typeof req.query.store === 'string' && req.query.store ? req.query.store : p.storeId;
    const { day, start, end } = storeDay(ctx.clock.now());
    const bookings = await ctx.db.booking.findMany({
      where: { storeId, bookedFor: { gte: start, lt: end }, status: { not: 'CANCELLED' } },
      include: { vehicle: { include: { customer: true } } },
      orderBy: { bookedFor: 'asc' },
    });
    const showPhone = seesPhoneNumbers(p.role);
    const checkIn = can(p.role, 'step:check-in');
    const rows = await Promise.all(
      bookings.map(async (b) => ({
        time: b.bookedFor,
        vin: b.vin,
        plate: b.vehicle.plate,
        model: b.vehicle.model,
        customer: b.vehicle.customer.name,
        phone: showPhone ? b.vehicle.customer.phone : maskPhone(b.vehicle.customer.phone),
        advisor: b.advisorId ?? '',
        status: b.status,
        walkIn: b.channel === 'WALK_IN',
        form: checkIn && b.channel !== 'WALK_IN' && (b.status === 'CONFIRMED' || b.status === 'TENTATIVE') ? await resolveForm(ctx.db, stepForm('check-in'), storeId, `/vehicles/${b.vin}/act`, '/board') : undefined,
      })),
    );
    res.send(renderPage(req, 'board', text(langOf(req), 'board'), { day, storeId, booked: rows.filter((r) => !r.walkIn), walkIns: rows.filter((r) => r.walkIn), flash: takeFlash(req, res) }));
  });
  return router;
}

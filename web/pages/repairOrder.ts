// The repair order (维修委托书) as the customer signs it at reception (R12): the car, the reception
// sheet, the job, the price method, the parts source with its no-guarantee note, the promised time with
// its margin, and the signature lines, on one A4 page.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { formatTime } from '../format';
import { notFound, page, visibleVin, WebContext } from '../context';
import { Lang, text } from '../i18n';
import { langOf, renderPage } from '../render';

/** Served from here rather than inline: the pages' Content-Security-Policy admits only the site's own stylesheets. */
const REPAIR_ORDER_STYLESHEET = '/repair-orders/print.css';

const STYLESHEET = `
.repair-order { max-width: 190mm; margin: 0 auto; padding: 12px 16px; background: #fff; border: 1px solid var(--line, #ccc); }
.repair-order header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid #000; padding-bottom: 4px; }
.repair-order h1 { margin: 0; font-size: 1.5rem; letter-spacing: .2em; }
.repair-order .store { font-weight: 700; }
.repair-order .meta { text-align: right; font-size: .85rem; }
.repair-order h2 { font-size: 1rem; margin: 10px 0 4px; }
.repair-order table { width: 100%; border-collapse: collapse; }
.repair-order th, .repair-order td { border: 1px solid #888; padding: 3px 6px; font-size: .9rem; color: #000; vertical-align: top; }
.repair-order th { width: 17%; background: #f2f2f2; font-weight: 600; }
.repair-order table.items th { width: auto; }
.repair-order .num { text-align: right; white-space: nowrap; }
.repair-order .multiline { white-space: pre-line; }
.repair-order .no-guarantee { margin: 6px 0; padding: 4px 8px; border: 2px solid #000; font-weight: 700; }
.repair-order .confirm { font-size: .85rem; margin: 8px 0 0; }
.repair-order .signatures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; margin-top: 8px; }
.repair-order .signature .line { border-bottom: 1px solid #000; height: 2.4em; }
.repair-order .signature .name, .repair-order .signature .date { font-size: .85rem; }
.repair-order-tools { max-width: 190mm; margin: 0 auto 8px; display: flex; justify-content: space-between; font-size: .85rem; }
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  header.top, .repair-order-tools, .flash { display: none !important; }
  body, main { margin: 0; padding: 0; max-width: none; background: #fff; }
  .repair-order { max-width: none; border: 0; padding: 0; font-size: 10pt; }
  .repair-order th, .repair-order td { font-size: 9.5pt; }
  .repair-order th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .repair-order section, .repair-order .signatures { break-inside: avoid; }
}
`;

/** R12's margin as a person reads it: 1 小时 30 分钟, 1 h 30 min. */
function duration(lang: Lang, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? `${h} ${text(lang, 'repairOrder.hours')}` : '', m || !h ? `${m} ${text(lang, 'repairOrder.minutes')}` : ''];
  return parts.filter(Boolean).join(' ');
}

export function repairOrderPages(ctx: WebContext): Router {
  const router = express.Router();

  router.get(REPAIR_ORDER_STYLESHEET, (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(STYLESHEET);
  });

  router.get('/vehicles/:vin/repair-orders/:cycle/print', page('vehicle.read'), async (req, res) => {
    const p = principalOf(req);
    const lang = langOf(req);
    const vin = await visibleVin(ctx, req);
    const cycleParam = req.params.cycle;
    if (typeof cycleParam !== 'string' || !/^[1-9][0-9]{0,3}$/.test(cycleParam)) throw notFound('no such repair order');
    const cycle = Number(cycleParam);
    const [vehicle, orders] = await Promise.all([
      ctx.db.vehicle.findUnique({ where: { vin }, include: { customer: true, store: true } }),
      ctx.db.repairOrder.findMany({ where: { vin, cycle }, include: { items: { orderBy: [{ additional: 'asc' }, { description: 'asc' }] }, booking: { include: { store: true } } }, orderBy: { createdAt: 'desc' } }),
    ]);
    // A cancelled booking leaves its order behind; the cycle's order is the one still standing.
    const order = orders.find((o) => o.status !== 'CANCELLED') ?? orders[0];
    if (!vehicle || !order) throw notFound(`no repair order for cycle ${cycle} of ${vin}`);
    const booking = order.booking;
    const staffIds = [order.receivedBy, booking?.advisorId, booking?.technicianId].filter((id): id is string => !!id);
    const names = new Map((await ctx.db.staff.findMany({ where: { id: { in: staffIds } }, select: { id: true, name: true } })).map((s) => [s.id, s.name]));
    const advisorId = order.receivedBy ?? booking?.advisorId ?? vehicle.advisorId;
    const option = (field: string, value: string | null) => (value ? text(lang, `option.${field}.${value}`) : undefined);
    const itemsTotal = order.items.filter((i) => i.approved).reduce((sum, i) => sum + Number(i.priceCny), 0);
    const checkedInDate = order.checkedInAt ? formatTime(order.checkedInAt).slice(0, 10) : undefined;
    const title = `${text(lang, 'repairOrder.title')} · ${vehicle.plate}`;
    res.send(
      renderPage(req, 'repairOrder', title, {
        stylesheet: REPAIR_ORDER_STYLESHEET,
        vin,
        cycle,
        order,
        storeName: booking?.store.name ?? vehicle.store.name,
        walkIn: booking?.channel === 'WALK_IN',
        complaint: booking?.requests,
        customer: { name: vehicle.customer.name, phone: seesPhoneNumbers(p.role) ? vehicle.customer.phone : maskPhone(vehicle.customer.phone) },
        vehicle: { plate: vehicle.plate, model: vehicle.model },
        fuelLevel: option('fuelLevel', order.fuelLevel),
        priceMethod: option('priceMethod', order.priceMethod),
        partsSource: option('partsSource', order.partsSource),
        noGuarantee: order.partsSource === 'CUSTOMER_SUPPLIED' || order.partsSource === 'AFTERMARKET' ? text(lang, `repairOrder.noGuarantee.${order.partsSource}`) : undefined,
        margin: order.promiseMarginMinutes ? duration(lang, order.promiseMarginMinutes) : undefined,
        items: order.items.map((i) => ({ ...i, priceCny: Number(i.priceCny).toFixed(2) })),
        itemsTotal: itemsTotal.toFixed(2),
        estimate: order.estimateCny === null ? undefined : Number(order.estimateCny).toFixed(2),
        advisor: advisorId ? (names.get(advisorId) ?? advisorId) : undefined,
        technician: booking?.technicianId ? (names.get(booking.technicianId) ?? booking.technicianId) : undefined,
        checkedInDate,
        printedAt: ctx.clock.now(),
      }),
    );
  });
  return router;
}

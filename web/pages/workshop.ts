// The workshop on a tablet (R6, R10, R13): a technician's jobs of the day with "report additional work"
// and "pick parts"; for the technical director and the managers, the bookings awaiting preparation with
// "assign bay and technician", and the jobs in the workshop with their technician. Every form runs the
// same command as the API; a refusal shows the page again with the reasons beside the fields.
import express, { Request, Response, Router } from 'express';
import { checkAccess, principalOf } from '../../api/auth/middleware';
import { can, stepAction } from '../../api/auth/policy';
import type { Principal } from '../../api/auth/principal';
import { HttpError } from '../../api/httpError';
import { runCommand } from '../../commands/command';
import { lifecycleStepCommand } from '../../commands/lifecycleSteps';
import { pickPartsCommand } from '../../commands/parts';
import { localDate, localDayBounds } from '../../domain/calendar';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { notFound, page, visibleVin, WebContext } from '../context';
import { stepForm } from '../actions';
import { bodyFromFields, LIST_ROWS } from '../commandForms';
import { FormState, fieldErrorsOf, refusedForm, sentValues } from '../fieldErrors';
import { Flash, setFlash, takeFlash } from '../flash';
import { label, Lang, text } from '../i18n';
import { REFUSALS } from '../refusal';
import { langOf, renderPage } from '../render';

const rowField = (row: number, field: string) => `items.${row}.${field}`;
/** R13: the step's form, from its schema: rows of items and the job's extra hours. */
const REPORT = stepForm('additional-work');
const PREPARATION_FIELDS = ['bayId', 'technicianId'];

const reportFormId = (vin: string) => `additional-work:${vin}`;
const pickFormId = (bookingId: string) => `pick:${bookingId}`;
const preparationFormId = (vin: string) => `preparation:${vin}`;

/** A form's own fields as strings; anything else (repeated keys) is not what the form sends. */
function formOf(body: unknown): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') form[k] = v.trim();
  return form;
}

/** A refusal is shown with its form; anything else is a real error for the error page. */
function refusal(err: unknown): HttpError {
  if (err instanceof HttpError && REFUSALS.includes(err.status)) return err;
  throw err;
}

const field = (sent: FormState | undefined, name: string) => ({ name, value: sent?.values[name] ?? '', error: sent?.errors[name] });

/** A form's state on the page: what was sent and refused when this is the form, else empty. */
function formView(lang: Lang, formId: string, sent: FormState | undefined) {
  const mine = sent?.formId === formId ? sent : undefined;
  const fieldReasons = mine && Object.keys(mine.errors).length > 0;
  return { mine, message: mine?.message ?? (fieldReasons ? text(lang, 'workshopCorrectFields') : undefined) };
}

function reportForm(lang: Lang, vin: string, sent: FormState | undefined) {
  const { mine, message } = formView(lang, reportFormId(vin), sent);
  return {
    formId: reportFormId(vin),
    action: `/workshop/jobs/${encodeURIComponent(vin)}/additional-work`,
    message,
    itemsError: mine?.errors.items,
    rows: Array.from({ length: LIST_ROWS }, (_, row) => ({
      number: row + 1,
      description: field(mine, rowField(row, 'description')),
      priceCny: field(mine, rowField(row, 'priceCny')),
      laborHours: field(mine, rowField(row, 'laborHours')),
      safety: { ...field(mine, rowField(row, 'safety')), checked: mine?.values[rowField(row, 'safety')] === 'true' },
    })),
    extraHours: field(mine, 'extraHours'),
  };
}

/** Who does the job: the staff assignment (R10) names the technician on the booking; before it, preparation may have. */
async function namedAtPreparation(ctx: WebContext, vins: string[]): Promise<Map<string, string>> {
  const events = vins.length
    ? await ctx.db.auditEvent.findMany({ where: { action: 'preparation.completed', vin: { in: vins } }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }], select: { vin: true, cycle: true, data: true } })
    : [];
  const named = new Map<string, string>();
  for (const e of events) {
    const technicianId = (e.data as { technicianId?: unknown } | null)?.technicianId;
    if (typeof technicianId === 'string') named.set(`${e.vin}:${e.cycle}`, technicianId);
  }
  return named;
}

async function workshopView(ctx: WebContext, p: Principal, lang: Lang, sent?: FormState) {
  const store = await ctx.db.store.findUnique({ where: { id: p.storeId }, include: { bays: { orderBy: { id: 'asc' } } } });
  if (!store) throw notFound(`unknown store ${p.storeId}`);
  const offset = resolveStoreSettings(store.settings).utcOffsetMinutes;
  const now = ctx.clock.now().getTime();
  const today = localDayBounds(now, offset);
  const [jobs, preparationTasks, technicians] = await Promise.all([
    ctx.db.booking.findMany({
      where: {
        storeId: store.id,
        OR: [
          { status: 'ARRIVED', repairOrder: { is: { status: 'IN_PROGRESS' } } },
          { status: { in: ['TENTATIVE', 'CONFIRMED'] }, bookedFor: { gte: new Date(today.from), lt: new Date(today.to) } },
        ],
      },
      include: {
        vehicle: { select: { plate: true, model: true } },
        repairOrder: { include: { items: true } },
        bayReservation: { select: { bayId: true } },
        partReservations: { where: { status: 'RESERVED' }, select: { partNumber: true, quantity: true } },
      },
      orderBy: { bookedFor: 'asc' },
    }),
    // The technical director's open preparation task (R6) is the lifecycle waiting in AWAITING_PREPARATION,
    // written in the booking's own transaction: the list is never behind the inbox, as search attributes may be.
    ctx.db.task.findMany({ where: { kind: 'PREPARATION', status: 'OPEN', vehicle: { storeId: store.id } }, select: { vin: true, cycle: true, dueAt: true } }),
    ctx.db.staff.findMany({ where: { storeId: store.id, role: 'TECHNICIAN', active: true }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
  ]);
  const awaiting = preparationTasks.length
    ? await ctx.db.booking.findMany({
        where: { storeId: store.id, status: { in: ['TENTATIVE', 'CONFIRMED'] }, OR: preparationTasks.map((t) => ({ vin: t.vin, cycle: t.cycle })) },
        include: { vehicle: { select: { plate: true, model: true } }, bayReservation: { select: { bayId: true } } },
        orderBy: { bookedFor: 'asc' },
      })
    : [];
  const named = await namedAtPreparation(ctx, [...new Set([...jobs, ...awaiting].map((b) => b.vin))]);
  const technicianOf = (b: { vin: string; cycle: number; technicianId: string | null }) => b.technicianId ?? named.get(`${b.vin}:${b.cycle}`) ?? null;
  const assigned = [...new Set([...jobs, ...awaiting].map(technicianOf).filter((id): id is string => id !== null))];
  const people = assigned.length ? await ctx.db.staff.findMany({ where: { id: { in: assigned } }, select: { id: true, name: true } }) : [];
  const nameOf = (id: string | null) => (id ? (people.find((s) => s.id === id)?.name ?? id) : undefined);
  const bayName = (id: string | null) => (id ? (store.bays.find((b) => b.id === id)?.name ?? id) : undefined);

  const mayReport = can(p.role, stepAction('additional-work'));
  const mayPick = can(p.role, 'parts.pick');
  const jobView = (b: (typeof jobs)[number], withForms: boolean) => {
    const inService = b.status === 'ARRIVED';
    const items = b.repairOrder?.items ?? [];
    const pending = items.filter((i) => i.additional && i.decidedAt === null);
    const pick = pickFormId(b.id);
    return {
      bookingId: b.id,
      vin: b.vin,
      plate: b.vehicle.plate,
      model: b.vehicle.model,
      inService,
      work: items.filter((i) => !i.additional).map((i) => i.description),
      complaint: b.requests,
      // In the workshop the promise to the customer counts (R12); before arrival, the booked time.
      promisedReadyAt: b.repairOrder?.promisedReadyAt ?? null,
      bookedFor: b.bookedFor,
      bay: bayName(b.bayReservation?.bayId ?? b.bayId),
      technician: nameOf(technicianOf(b)),
      pending: pending.map((i) => ({ description: i.description, priceCny: Number(i.priceCny).toFixed(2), laborHours: i.laborHours, safety: i.safety })),
      // R13: the next report waits for the customer's answer to this one.
      reportForm: withForms && mayReport && inService && pending.length === 0 ? reportForm(lang, b.vin, sent) : undefined,
      // Parts leave the shelf for a booking still to come (R6); the basket is the signed-in technician's.
      pickForm:
        withForms && mayPick && !inService && b.partReservations.length > 0
          ? { formId: pick, action: `/workshop/bookings/${encodeURIComponent(b.id)}/pick`, parts: b.partReservations, message: formView(lang, pick, sent).message }
          : undefined,
    };
  };

  const technicianPage = p.role === 'TECHNICIAN';
  const mayPrepare = can(p.role, stepAction('preparation-complete'));
  const dueOf = (b: { vin: string; cycle: number }) => preparationTasks.find((t) => t.vin === b.vin && t.cycle === b.cycle)?.dueAt;
  const preparationView = (b: (typeof awaiting)[number]) => {
    const formId = preparationFormId(b.vin);
    const { mine, message } = formView(lang, formId, sent);
    const bayId = mine ? mine.values.bayId : (b.bayReservation?.bayId ?? b.bayId ?? '');
    const technicianId = mine ? mine.values.technicianId : (technicianOf(b) ?? '');
    return {
      vin: b.vin,
      plate: b.vehicle.plate,
      model: b.vehicle.model,
      bookedFor: b.bookedFor,
      prepareBy: dueOf(b),
      prepareLate: (dueOf(b)?.getTime() ?? Infinity) < now,
      complaint: b.requests,
      bay: bayName(b.bayReservation?.bayId ?? b.bayId),
      technician: nameOf(technicianOf(b)),
      form: mayPrepare
        ? {
            formId,
            action: `/workshop/preparation/${encodeURIComponent(b.vin)}`,
            message,
            bays: store.bays.filter((bay) => !bay.removedAt).map((bay) => ({ id: bay.id, name: bay.name, selected: bay.id === bayId })),
            technicians: technicians.map((t) => ({ id: t.id, name: t.name, selected: t.id === technicianId })),
            errors: { bayId: mine?.errors.bayId, technicianId: mine?.errors.technicianId },
          }
        : undefined,
    };
  };

  const myJobs = technicianPage ? jobs.filter((b) => technicianOf(b) === p.id).map((b) => jobView(b, true)) : [];
  const toPrepare = technicianPage ? [] : awaiting.map(preparationView);
  const shownForms = [...myJobs.flatMap((j) => [j.reportForm?.formId, j.pickForm?.formId]), ...toPrepare.map((a) => a.form?.formId)];
  // A refusal for a form no longer on the page (the car moved on meanwhile) is still said, above everything.
  const unplaced: Flash | undefined = sent && !shownForms.includes(sent.formId) ? { kind: 'error', message: `${text(lang, 'stepRefused')}: ${sent.message ?? Object.values(sent.errors).join('; ')}` } : undefined;
  return {
    storeId: store.id,
    day: localDate(now, offset),
    technicianPage,
    mine: myJobs,
    awaiting: toPrepare,
    inWorkshop: technicianPage ? [] : jobs.filter((b) => b.status === 'ARRIVED').map((b) => jobView(b, false)),
    unplaced,
  };
}

async function showWorkshop(ctx: WebContext, req: Request, res: Response, status: number, sent?: FormState, flash?: Flash) {
  const lang = langOf(req);
  const view = await workshopView(ctx, principalOf(req), lang, sent);
  res.status(status).send(renderPage(req, 'workshop', text(lang, 'workshop'), { ...view, flash: view.unplaced ?? flash }));
}

export function workshopPages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/workshop', page('capacity.read'), async (req, res) => {
    await showWorkshop(ctx, req, res, 200, undefined, takeFlash(req, res));
  });

  // R13: the same command as POST /api/vehicles/:vin/additional-work.
  router.post('/workshop/jobs/:vin/additional-work', async (req, res) => {
    const p = checkAccess(req, stepAction('additional-work'));
    const lang = langOf(req);
    const vin = await visibleVin(ctx, req);
    // The report has no times, so no zone to read them in.
    const input = bodyFromFields(REPORT.fields, (req.body ?? {}) as Record<string, unknown>, 0);
    try {
      const state = await runCommand(ctx.commands, p, lifecycleStepCommand('additional-work'), { vin }, input);
      setFlash(res, { kind: 'ok', message: `${text(lang, 'workshopReported')}: ${state.plate} · ${(input.items as unknown[] | undefined)?.length ?? 0} ${text(lang, 'workshopItems')}` });
      res.redirect('/workshop');
    } catch (err) {
      const refused = refusal(err);
      await showWorkshop(ctx, req, res, refused.status, refusedForm(refused, reportFormId(vin), REPORT.fields, req.body, lang));
    }
  });

  // R6: the same command as POST /api/bookings/:bookingId/parts/pick, into the signed-in person's basket.
  router.post('/workshop/bookings/:bookingId/pick', async (req, res) => {
    const p = checkAccess(req, 'parts.pick');
    const bookingId = String(req.params.bookingId);
    try {
      const picked = await runCommand(ctx.commands, p, pickPartsCommand, { bookingId }, { technicianId: p.id });
      setFlash(res, { kind: 'ok', message: `${text(langOf(req), 'partsPicked')}: ${picked.basketLabel} (${picked.parts.map((x) => `${x.partNumber} × ${x.quantity}`).join(', ')})` });
      res.redirect('/workshop');
    } catch (err) {
      const refused = refusal(err);
      await showWorkshop(ctx, req, res, refused.status, { formId: pickFormId(bookingId), values: {}, errors: {}, message: refused.message });
    }
  });

  // R6: the same command as POST /api/vehicles/:vin/preparation-complete.
  router.post('/workshop/preparation/:vin', async (req, res) => {
    const p = checkAccess(req, stepAction('preparation-complete'));
    const vin = await visibleVin(ctx, req);
    const form = formOf(req.body);
    try {
      const state = await runCommand(ctx.commands, p, lifecycleStepCommand('preparation-complete'), { vin }, { bayId: form.bayId || undefined, technicianId: form.technicianId || undefined });
      const lang = langOf(req);
      setFlash(res, { kind: 'ok', message: `${text(lang, 'workshopPrepared')}: ${state.plate} → ${label(lang, 'stage', state.stage)}` });
      res.redirect('/workshop');
    } catch (err) {
      const refused = refusal(err);
      await showWorkshop(ctx, req, res, refused.status, { formId: preparationFormId(vin), values: sentValues(req.body, PREPARATION_FIELDS), ...fieldErrorsOf(refused, PREPARATION_FIELDS, langOf(req)) });
    }
  });
  return router;
}

// A store's set-up and settings for the managers (issue 16): opening hours per weekday, closed days, bays,
// technicians, car models with their service plans (/stores/:id/setup), and every store setting with its
// rule, its allowed values and when a change applies (/stores/:id/settings). Everyone of the store reads
// them; the managers who change settings get the forms, which run the same commands as the API. A refused
// form comes back with each reason beside its field and what was typed kept; the open bookings the set-up
// no longer fits are listed for a person to move.
import express, { Request, Response, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { HttpError } from '../../api/httpError';
import { baysOf, bookingsToMove, holidaysOf, openingHoursOf, servicePlansOf, techniciansOf, WEEKDAYS } from '../../api/storeSetupView';
import { Command, runCommand, Subject } from '../../commands/command';
import { reasonIn } from '../../commands/reasons';
import {
  addBayCommand,
  addHolidayCommand,
  addTechnicianCommand,
  AffectedBookingView,
  changeBayCommand,
  changeTechnicianCommand,
  removeBayCommand,
  removeHolidayCommand,
  removeServicePlanCommand,
  removeTechnicianCommand,
  setOpeningHoursCommand,
  upsertServicePlanCommand,
} from '../../commands/storeSetup';
import { changeStoreSettingsCommand, rejectedSettings } from '../../commands/storeSettings';
import { BAY_KINDS } from '../../domain/capacity';
import { DEFAULT_STORE_SETTINGS, resolveStoreSettings, StoreSettings } from '../../domain/storeSettings';
import { SETTINGS_CATALOGUE, SettingRange } from '../../domain/storeSettingsCatalogue';
import type { z } from 'zod';
import { notFound, page, WebContext } from '../context';
import { fieldErrorsOf, FormState } from '../fieldErrors';
import { setFlash, takeFlash } from '../flash';
import { label, Lang, text } from '../i18n';
import { REFUSALS } from '../refusal';
import { langOf, renderPage } from '../render';

type Form = Record<string, unknown>;

/** What the form sent for a field, as text; a field sent several times (checkboxes) as a comma list. */
function sentText(form: Form, name: string): string {
  const value = form[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').join(',');
  return typeof value === 'string' ? value.trim() : '';
}

function sentList(form: Form, name: string): string[] {
  return sentText(form, name).split(',').filter(Boolean);
}

/** A number the person typed as a number; anything else as typed, so the schema names what is wrong with it. */
function typed(raw: string): number | string | undefined {
  if (raw === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

/**
 * The form again with the command's reasons beside the fields. `fieldOf` turns a body path into the form
 * field that carries it (a list's item k is the person's row, not the body's).
 */
function refusedState(lang: Lang, err: HttpError, formId: string, names: string[], form: Form, fieldOf: (path: string) => string = (p) => p): FormState {
  const issues = Array.isArray(err.details)
    ? (err.details as { path?: unknown; message?: unknown; zh?: unknown }[]).map((i) => {
        const message = String(i.message ?? '');
        const ours = reasonIn('zh', message);
        return { ...i, path: fieldOf(String(i.path ?? '')), zh: ours !== message ? ours : i.zh };
      })
    : undefined;
  const { errors, message } = fieldErrorsOf(new HttpError(err.status, issues ? err.message : reasonIn(lang, err.message), issues, err.extra), names, lang);
  return { formId, values: Object.fromEntries(names.map((n) => [n, sentText(form, n)])), errors, message };
}

function storeIdOf(req: Request): string {
  const id = String(req.params.id);
  // Another store's set-up is not even confirmed to exist, like another store's vehicles.
  if (!principalOf(req).allStores && id !== principalOf(req).storeId) throw notFound(`no store ${id}`);
  return id;
}

const setupPath = (storeId: string, section = '') => `/stores/${encodeURIComponent(storeId)}/setup${section ? `#${section}` : ''}`;

// ---- The forms: field names, and the command's input from what was sent ----

const HOURS_FIELDS = WEEKDAYS.flatMap((_, i) => [`days.${i}.opensAt`, `days.${i}.closesAt`, `days.${i}.closed`]);

function hoursBody(form: Form) {
  return {
    days: WEEKDAYS.map((weekday, i) => {
      if (sentText(form, `days.${i}.closed`)) return { weekday, closed: true };
      const opensAt = sentText(form, `days.${i}.opensAt`);
      const closesAt = sentText(form, `days.${i}.closesAt`);
      return { weekday, ...(opensAt ? { opensAt } : {}), ...(closesAt ? { closesAt } : {}) };
    }),
  };
}

const SHIFT_FIELDS = WEEKDAYS.flatMap((w) => [`shift.${w}.start`, `shift.${w}.end`]);

/** Skills and the weekdays with a shift typed in; `weekdays` says which body item is which weekday. */
function technicianBody(form: Form) {
  const weekdays = WEEKDAYS.filter((w) => sentText(form, `shift.${w}.start`) || sentText(form, `shift.${w}.end`));
  const shifts = weekdays.map((weekday) => {
    const start = sentText(form, `shift.${weekday}.start`);
    const end = sentText(form, `shift.${weekday}.end`);
    return { weekday, ...(start ? { start } : {}), ...(end ? { end } : {}) };
  });
  const fieldOf = (path: string) => {
    const m = /^shifts\.(\d+)\.(start|end|weekday)$/.exec(path);
    return m && weekdays[Number(m[1])] !== undefined ? `shift.${weekdays[Number(m[1])]}.${m[2] === 'weekday' ? 'start' : m[2]}` : path;
  };
  return { body: { skills: sentList(form, 'skills'), shifts }, fieldOf };
}

const PLAN_TERMS = ['intervalMonths', 'intervalKm', 'laborHours', 'estimateCny'] as const;
const partRows = (filled: number) => Math.max(filled + 2, 3);
const planFields = (rows: number) => ['model', ...PLAN_TERMS, ...Array.from({ length: rows }, (_, i) => [`parts.${i}.partNumber`, `parts.${i}.quantity`]).flat()];

function planBody(form: Form, rows: number) {
  const filled = Array.from({ length: rows }, (_, i) => i).filter((i) => sentText(form, `parts.${i}.partNumber`) || sentText(form, `parts.${i}.quantity`));
  const body: Record<string, unknown> = { model: sentText(form, 'model') };
  for (const term of PLAN_TERMS) {
    const value = typed(sentText(form, term));
    if (value !== undefined) body[term] = value;
  }
  body.parts = filled.map((i) => ({ partNumber: sentText(form, `parts.${i}.partNumber`), quantity: typed(sentText(form, `parts.${i}.quantity`)) }));
  const fieldOf = (path: string) => {
    const m = /^parts\.(\d+)\.(\w+)$/.exec(path);
    return m && filled[Number(m[1])] !== undefined ? `parts.${filled[Number(m[1])]}.${m[2]}` : path;
  };
  return { body, fieldOf };
}

// ---- The pages ----

type FieldView = { name: string; value: string; error?: string };

export function storeSetupPages(ctx: WebContext): Router {
  const router = express.Router();
  const { db } = ctx;

  async function showSetup(req: Request, res: Response, status = 200, state?: FormState): Promise<void> {
    const p = principalOf(req);
    const lang = langOf(req);
    const storeId = storeIdOf(req);
    const [hours, holidays, bays, technicians, plans, toMove, store] = await Promise.all([
      openingHoursOf(db, storeId),
      holidaysOf(db, storeId),
      baysOf(db, storeId),
      techniciansOf(db, storeId),
      servicePlansOf(db),
      bookingsToMove(db, storeId, ctx.clock.now()),
      db.store.findUniqueOrThrow({ where: { id: storeId }, select: { name: true } }),
    ]);
    const [technicianStaff, parts, recent] = await Promise.all([
      db.staff.findMany({ where: { storeId, role: 'TECHNICIAN', active: true, technician: null }, orderBy: { id: 'asc' }, select: { id: true, name: true } }),
      db.part.findMany({ orderBy: { partNumber: 'asc' }, select: { partNumber: true, name: true } }),
      db.storeAuditEvent.findMany({ where: { storeId }, orderBy: { chainSeq: 'desc' }, take: 10, select: { action: true, actor: true, occurredAt: true } }),
    ]);
    const mine = (formId: string) => (state?.formId === formId ? state : undefined);
    const field = (formId: string, name: string, current: string | number | null | undefined): FieldView => {
      const sent = mine(formId);
      return { name, value: sent ? (sent.values[name] ?? '') : current === null || current === undefined ? '' : String(current), error: sent?.errors[name] };
    };
    const kinds = (formId: string, name: string, current: string) => {
      const value = field(formId, name, current);
      return { ...value, options: BAY_KINDS.map((k) => ({ value: k, text: label(lang, 'bayKind', k), selected: value.value === k })) };
    };
    const skillsOf = (formId: string, current: string[]) => {
      const sent = mine(formId);
      const chosen = sent ? (sent.values.skills ?? '').split(',') : current;
      return { error: sent?.errors.skills, options: BAY_KINDS.map((k) => ({ value: k, text: label(lang, 'bayKind', k), checked: chosen.includes(k) })) };
    };
    const shiftsOf = (formId: string, current: { weekday: number; start: string; end: string }[]) =>
      WEEKDAYS.map((w) => {
        const shift = current.find((s) => s.weekday === w);
        return { dayName: label(lang, 'weekday', String(w)), start: field(formId, `shift.${w}.start`, shift?.start), end: field(formId, `shift.${w}.end`, shift?.end) };
      });
    const planForm = (formId: string, plan?: (typeof plans)[number]) => {
      const rows = partRows(plan?.parts.length ?? 0);
      return {
        formId,
        refused: !!mine(formId),
        message: mine(formId)?.message,
        model: field(formId, 'model', plan?.model),
        terms: PLAN_TERMS.map((term) => ({ caption: `storeSetup${term[0].toUpperCase()}${term.slice(1)}`, ...field(formId, term, plan?.[term]) })),
        parts: Array.from({ length: rows }, (_, i) => ({ partNumber: field(formId, `parts.${i}.partNumber`, plan?.parts[i]?.partNumber), quantity: field(formId, `parts.${i}.quantity`, plan?.parts[i]?.quantity) })),
      };
    };
    const hoursForm = mine('hours');
    const joined = (items: string[]) => items.join(lang === 'en' ? ', ' : '、');
    res.status(status).send(
      renderPage(req, 'storeSetup', `${text(lang, 'storeSetup')} · ${store.name}`, {
        storeId,
        storeName: store.name,
        manage: can(p.role, 'settings.manage'),
        flash: takeFlash(req, res),
        otherStores: p.allStores ? (await db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } })).filter((s) => s.id !== storeId) : [],
        hours: {
          keepsHours: hours.keepsHours,
          noHours: text(lang, 'storeSetupHoursNone').replace('{start}', hours.contactHours.start).replace('{end}', hours.contactHours.end),
          message: hoursForm?.message,
          days: hours.days.map((d, i) => ({
            dayName: label(lang, 'weekday', String(d.weekday)),
            weekday: d.weekday,
            shown: d.closed ? `${text(lang, 'storeSetupClosedDay')}` : `${d.opensAt}–${d.closesAt}`,
            // A store that keeps no hours yet books by its contact hours every day: the form starts from those.
            opensAt: field('hours', `days.${i}.opensAt`, hours.keepsHours ? d.opensAt : hours.contactHours.start),
            closesAt: field('hours', `days.${i}.closesAt`, hours.keepsHours ? d.closesAt : hours.contactHours.end),
            closed: { name: `days.${i}.closed`, checked: hoursForm ? !!hoursForm.values[`days.${i}.closed`] : hours.keepsHours && d.closed, error: hoursForm?.errors[`days.${i}.closed`] },
          })),
        },
        // `date` is a helper's name in the views.
        holidays: holidays.map((h) => ({ day: h.date, name: h.name })),
        holidayForm: { message: mine('holiday')?.message, date: field('holiday', 'date', ''), name: field('holiday', 'name', '') },
        bays: bays.map((b) => ({ ...b, kindLabel: label(lang, 'bayKind', b.kind), formId: `bay-${b.id}`, message: mine(`bay-${b.id}`)?.message, name: field(`bay-${b.id}`, 'name', b.name), kind: kinds(`bay-${b.id}`, 'kind', b.kind) })),
        bayForm: { message: mine('bay-new')?.message, name: field('bay-new', 'name', ''), kind: kinds('bay-new', 'kind', '') },
        technicians: technicians.map((t) => {
          const formId = `technician-${t.staffId}`;
          return {
            ...t,
            skillLabels: joined(t.skills.map((k) => label(lang, 'bayKind', k))),
            shiftText: joined(t.shifts.map((s) => `${label(lang, 'weekday', String(s.weekday))} ${s.start}–${s.end}`)),
            formId,
            refused: !!mine(formId),
            message: mine(formId)?.message,
            skills: skillsOf(formId, t.skills),
            shifts: shiftsOf(formId, t.shifts),
          };
        }),
        technicianForm: {
          message: mine('technician-new')?.message,
          staff: technicianStaff.map((s) => ({ value: s.id, text: `${s.name} (${s.id})`, selected: mine('technician-new')?.values.staffId === s.id })),
          staffError: mine('technician-new')?.errors.staffId,
          skills: skillsOf('technician-new', []),
          shifts: shiftsOf('technician-new', []),
        },
        plans: plans.map((plan) => ({ ...plan, partsText: joined(plan.parts.map((x) => `${x.partNumber}${x.name ? ` ${x.name}` : ''} ×${x.quantity}`)), form: planForm(`plan-${plan.model}`, plan) })),
        planForm: planForm('plan-new'),
        parts,
        toMove: toMove.map((b) => ({ ...b, reasonLabels: joined(b.reasons.map((r) => text(lang, `storeSetupConflict.${r}`))), bay: b.bayName ?? b.bayId ?? '' })),
        recent: recent.map((e) => {
          const key = `storeSetupAudit.${e.action}`;
          // Other areas' entries (staff, imports) read by their action's name.
          return { ...e, what: text(lang, key) === key ? e.action : text(lang, key) };
        }),
      }),
    );
  }

  router.get('/stores/:id/setup', page('settings.read'), async (req, res) => {
    await showSetup(req, res);
  });

  /**
   * Runs a set-up form's command: done, back to the page with the count of bookings it left out (listed
   * there); refused, the page again with the form as sent and the reasons beside its fields.
   */
  async function change<S extends z.ZodType, R, T extends Subject>(
    req: Request,
    res: Response,
    form: { id: string; section: string; names: string[]; fieldOf?: (path: string) => string },
    command: Command<S, R, T>,
    subject: T,
    body: unknown,
  ): Promise<void> {
    const lang = langOf(req);
    try {
      const result = (await runCommand(ctx.commands, principalOf(req), command, subject, body)) as R & { affectedBookings?: AffectedBookingView[] };
      const affected = result.affectedBookings?.length ?? 0;
      setFlash(res, { kind: 'ok', message: affected ? `${text(lang, 'storeSetupSaved')} · ${text(lang, 'storeSetupAffected').replace('{n}', String(affected))}` : text(lang, 'storeSetupSaved') });
      res.redirect(setupPath(storeIdOf(req), affected ? 'to-move' : form.section));
    } catch (err) {
      if (!(err instanceof HttpError && REFUSALS.includes(err.status))) throw err;
      await showSetup(req, res, err.status, refusedState(lang, err, form.id, form.names, (req.body ?? {}) as Form, form.fieldOf));
    }
  }

  const manage = page('settings.manage');
  const formOf = (req: Request) => (req.body ?? {}) as Form;

  router.post('/stores/:id/setup/opening-hours', manage, async (req, res) => {
    await change(req, res, { id: 'hours', section: 'hours', names: HOURS_FIELDS }, setOpeningHoursCommand, { storeId: storeIdOf(req) }, hoursBody(formOf(req)));
  });

  router.post('/stores/:id/setup/holidays', manage, async (req, res) => {
    const form = formOf(req);
    await change(req, res, { id: 'holiday', section: 'holidays', names: ['date', 'name'] }, addHolidayCommand, { storeId: storeIdOf(req) }, { date: sentText(form, 'date'), name: sentText(form, 'name') });
  });

  router.post('/stores/:id/setup/holidays/:date/remove', manage, async (req, res) => {
    await change(req, res, { id: 'holiday', section: 'holidays', names: [] }, removeHolidayCommand, { storeId: storeIdOf(req), date: String(req.params.date) }, {});
  });

  router.post('/stores/:id/setup/bays', manage, async (req, res) => {
    const form = formOf(req);
    await change(req, res, { id: 'bay-new', section: 'bays', names: ['name', 'kind'] }, addBayCommand, { storeId: storeIdOf(req) }, { name: sentText(form, 'name'), kind: sentText(form, 'kind') });
  });

  router.post('/stores/:id/setup/bays/:bayId', manage, async (req, res) => {
    const form = formOf(req);
    const bayId = String(req.params.bayId);
    await change(req, res, { id: `bay-${bayId}`, section: 'bays', names: ['name', 'kind'] }, changeBayCommand, { storeId: storeIdOf(req), bayId }, { name: sentText(form, 'name'), kind: sentText(form, 'kind') });
  });

  router.post('/stores/:id/setup/bays/:bayId/remove', manage, async (req, res) => {
    const bayId = String(req.params.bayId);
    await change(req, res, { id: `bay-${bayId}`, section: 'bays', names: [] }, removeBayCommand, { storeId: storeIdOf(req), bayId }, {});
  });

  router.post('/stores/:id/setup/technicians', manage, async (req, res) => {
    const form = formOf(req);
    const { body, fieldOf } = technicianBody(form);
    await change(req, res, { id: 'technician-new', section: 'technicians', names: ['staffId', 'skills', ...SHIFT_FIELDS], fieldOf }, addTechnicianCommand, { storeId: storeIdOf(req) }, { staffId: sentText(form, 'staffId'), ...body });
  });

  router.post('/stores/:id/setup/technicians/:staffId', manage, async (req, res) => {
    const staffId = String(req.params.staffId);
    const { body, fieldOf } = technicianBody(formOf(req));
    await change(req, res, { id: `technician-${staffId}`, section: 'technicians', names: ['skills', ...SHIFT_FIELDS], fieldOf }, changeTechnicianCommand, { storeId: storeIdOf(req), staffId }, body);
  });

  router.post('/stores/:id/setup/technicians/:staffId/remove', manage, async (req, res) => {
    const staffId = String(req.params.staffId);
    await change(req, res, { id: `technician-${staffId}`, section: 'technicians', names: [] }, removeTechnicianCommand, { storeId: storeIdOf(req), staffId }, {});
  });

  router.post('/stores/:id/setup/service-plans', manage, async (req, res) => {
    const form = formOf(req);
    // The form of an existing plan names it; a new one is typed in.
    const formId = sentText(form, 'formId') === 'plan-new' ? 'plan-new' : `plan-${sentText(form, 'model')}`;
    const rows = Math.max(partRows(0), ...Object.keys(form).map((k) => /^parts\.(\d+)\./.exec(k)).map((m) => (m ? Number(m[1]) + 1 : 0)));
    const { body, fieldOf } = planBody(form, rows);
    await change(req, res, { id: formId, section: 'plans', names: planFields(rows), fieldOf }, upsertServicePlanCommand, { storeId: storeIdOf(req) }, body);
  });

  router.post('/stores/:id/setup/service-plans/remove', manage, async (req, res) => {
    const model = sentText(formOf(req), 'model');
    await change(req, res, { id: `plan-${model}`, section: 'plans', names: [] }, removeServicePlanCommand, { storeId: storeIdOf(req), model }, {});
  });

  // ---- Store settings ----

  async function showSettings(req: Request, res: Response, status = 200, state?: FormState): Promise<void> {
    const p = principalOf(req);
    const lang = langOf(req);
    const storeId = storeIdOf(req);
    const store = await db.store.findUnique({ where: { id: storeId }, select: { name: true, settings: true } });
    if (!store) throw notFound(`no store ${storeId}`);
    const current = resolveStoreSettings(store.settings);
    const own = (store.settings ?? {}) as Record<string, unknown>;
    const settings = (Object.keys(SETTINGS_CATALOGUE) as (keyof StoreSettings)[]).map((key) => {
      const info = SETTINGS_CATALOGUE[key];
      return {
        key,
        meaning: text(lang, `setting.${key}`),
        rule: info.rule,
        range: rangeText(lang, info.range),
        value: String(current[key]),
        isOwn: key in own && JSON.stringify(own[key]) === JSON.stringify(current[key]),
        default: String(DEFAULT_STORE_SETTINGS[key]),
        effects: info.effects.map((e) => text(lang, `settingEffect.${e}`)),
        input: { name: key, value: state ? (state.values[key] ?? '') : String(current[key]), error: state?.errors[key], number: typeof current[key] === 'number', wide: key === 'holidayGreetings' },
      };
    });
    res.status(status).send(
      renderPage(req, 'storeSettings', `${text(lang, 'settingsTitle')} · ${store.name}`, {
        storeId,
        storeName: store.name,
        manage: can(p.role, 'settings.manage'),
        flash: takeFlash(req, res),
        message: state?.message,
        otherStores: p.allStores ? (await db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } })).filter((s) => s.id !== storeId) : [],
        settings,
      }),
    );
  }

  router.get('/stores/:id/settings', page('settings.read'), async (req, res) => {
    await showSettings(req, res);
  });

  // The same command as PUT /api/stores/:id/settings, with the values the person changed.
  router.post('/stores/:id/settings', manage, async (req, res) => {
    const lang = langOf(req);
    const storeId = storeIdOf(req);
    const form = formOf(req);
    const store = await db.store.findUnique({ where: { id: storeId }, select: { settings: true } });
    if (!store) throw notFound(`no store ${storeId}`);
    const current = resolveStoreSettings(store.settings) as unknown as Record<string, unknown>;
    const changed: Record<string, unknown> = {};
    for (const key of Object.keys(SETTINGS_CATALOGUE)) {
      const raw = sentText(form, key);
      if (raw === '') continue;
      const value = typeof current[key] === 'number' ? typed(raw) : raw;
      if (JSON.stringify(value) !== JSON.stringify(current[key])) changed[key] = value;
    }
    if (Object.keys(changed).length === 0) {
      setFlash(res, { kind: 'ok', message: text(lang, 'settingsUnchanged') });
      res.redirect(`/stores/${encodeURIComponent(storeId)}/settings`);
      return;
    }
    try {
      const result = await runCommand(ctx.commands, principalOf(req), changeStoreSettingsCommand, { storeId }, changed);
      setFlash(res, { kind: 'ok', message: text(lang, 'settingsSaved').replace('{n}', String(Object.keys(result.changed).length)).replace('{m}', String(result.vehiclesNotified)) });
      res.redirect(`/stores/${encodeURIComponent(storeId)}/settings`);
    } catch (err) {
      if (!(err instanceof HttpError && REFUSALS.includes(err.status))) throw err;
      // The command names each unusable value; beside its field the page says what the setting allows.
      const refused = new Set(rejectedSettings(changed).map((r) => r.slice(0, r.indexOf(':'))));
      const errors = Object.fromEntries(
        [...refused].filter((key) => key in SETTINGS_CATALOGUE).map((key) => [key, `${text(lang, 'settingsNotUsable')} ${rangeText(lang, SETTINGS_CATALOGUE[key as keyof StoreSettings].range)}`]),
      );
      const values = Object.fromEntries(Object.keys(SETTINGS_CATALOGUE).map((key) => [key, sentText(form, key)]));
      await showSettings(req, res, err.status, { formId: 'settings', values, errors, message: Object.keys(errors).length ? undefined : reasonIn(lang, err.message) });
    }
  });

  return router;
}

/** A setting's allowed values in the reader's words. */
export function rangeText(lang: Lang, range: SettingRange): string {
  switch (range.kind) {
    case 'whole':
      return text(lang, 'rangeWhole').replace('{min}', range.min.toLocaleString('en')).replace('{max}', range.max.toLocaleString('en')) + (range.step ? text(lang, 'rangeStep').replace('{step}', String(range.step)) : '');
    case 'number':
      return text(lang, 'rangeNumber').replace('{min}', range.min.toLocaleString('en')).replace('{max}', range.max.toLocaleString('en'));
    case 'fraction':
      return text(lang, 'rangeFraction')
        .replace('{min}', String(range.min))
        .replace('{minOp}', range.minExcluded ? '<' : '≤')
        .replace('{maxOp}', range.maxExcluded ? '<' : '≤')
        .replace('{max}', String(range.max));
    case 'time':
      return text(lang, range.upTo24 ? 'rangeEndTime' : 'rangeTime');
    case 'holidayList':
      return text(lang, 'rangeHolidayList');
  }
}

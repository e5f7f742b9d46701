// The front desk registers a customer and their car (issue 15): the same command as POST /api/vehicles,
// its refusals shown next to the fields they name, with what the person typed kept.
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import type { Principal } from '../../api/auth/principal';
import { HttpError } from '../../api/httpError';
import { runCommand } from '../../commands/command';
import { CLOSED_NEEDS_REOPEN, REGISTERED_ELSEWHERE, registerVehicleCommand } from '../../commands/registration';
import { page, WebContext } from '../context';
import { fieldErrorsOf, FormState, sentValues } from '../fieldErrors';
import { setFlash } from '../flash';
import { text } from '../i18n';
import { REFUSALS } from '../refusal';
import { langOf, renderPage } from '../render';

type Input = 'text' | 'tel' | 'email' | 'date' | 'number' | 'checkbox' | 'select';

interface Field {
  /** The form's name. Flat, because a refusal is matched to a field by its path's first segment. */
  name: string;
  /** Where the value goes in the command's body. */
  path: string;
  label: string;
  input: Input;
  required?: boolean;
  placeholder?: string;
}

const SECTIONS: { title: string; fields: Field[] }[] = [
  {
    title: 'vehicle',
    fields: [
      { name: 'vin', path: 'vin', label: 'regVin', input: 'text', required: true },
      { name: 'plate', path: 'plate', label: 'plate', input: 'text', required: true },
      { name: 'model', path: 'model', label: 'regModel', input: 'select', required: true },
      { name: 'deliveryDate', path: 'deliveryDate', label: 'regDeliveryDate', input: 'date', required: true },
      { name: 'mileageKm', path: 'mileageKm', label: 'regMileageKm', input: 'number', required: true },
      { name: 'mileageRecordedOn', path: 'mileageRecordedOn', label: 'regMileageRecordedOn', input: 'date' },
      { name: 'newCar', path: 'newCar', label: 'regNewCar', input: 'checkbox' },
      { name: 'secondaryDealer', path: 'secondaryDealer', label: 'regSecondaryDealer', input: 'checkbox' },
      { name: 'salePriceCny', path: 'salePriceCny', label: 'regSalePrice', input: 'number' },
    ],
  },
  {
    title: 'customer',
    fields: [
      { name: 'customerName', path: 'customer.name', label: 'regCustomerName', input: 'text', required: true },
      { name: 'customerPhone', path: 'customer.phone', label: 'regPhone', input: 'tel', required: true },
      { name: 'customerEmail', path: 'customer.email', label: 'regEmail', input: 'email' },
      { name: 'customerBirthday', path: 'customer.birthday', label: 'regBirthday', input: 'text', placeholder: 'MM-DD' },
    ],
  },
  {
    title: 'regPeople',
    fields: [
      { name: 'advisorId', path: 'advisorId', label: 'regAdvisor', input: 'select' },
      { name: 'salesConsultantId', path: 'salesConsultantId', label: 'regSalesConsultant', input: 'select' },
    ],
  },
  {
    title: 'regLastService',
    fields: [
      { name: 'lastServiceDate', path: 'lastService.date', label: 'regLastServiceDate', input: 'date' },
      { name: 'lastServiceKm', path: 'lastService.mileageKm', label: 'regLastServiceKm', input: 'number' },
    ],
  },
  {
    title: 'regCare',
    fields: [
      { name: 'inspectionDate', path: 'inspectionDate', label: 'regInspectionDate', input: 'date' },
      { name: 'insuranceRenewalDate', path: 'insuranceRenewalDate', label: 'regInsuranceRenewalDate', input: 'date' },
    ],
  },
];

// Offered only once the command has said the vehicle's lifecycle was closed: reopening is the exception.
const REOPEN: Field = { name: 'reopen', path: 'reopen', label: 'regReopen', input: 'checkbox' };
const FIELDS = [...SECTIONS.flatMap((s) => s.fields), REOPEN];
const NAMES = FIELDS.map((f) => f.name);
const NAME_OF_PATH = new Map(FIELDS.map((f) => [f.path, f.name]));

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = body;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
}

/**
 * The form's strings as the command's body: numbers as numbers, a ticked box as true, an empty optional
 * field left out (the lastService pair is then absent unless one half was typed). An empty required text
 * is sent empty so the command's reason reads "must not be empty" rather than a type error.
 */
function bodyOf(form: Record<string, unknown>, storeId: string): Record<string, unknown> {
  const body: Record<string, unknown> = { storeId };
  for (const f of FIELDS) {
    const raw = typeof form[f.name] === 'string' ? (form[f.name] as string) : '';
    const empty = raw.trim() === '';
    if (f.input === 'checkbox') {
      if (!empty) setPath(body, f.path, true);
    } else if (!empty) {
      setPath(body, f.path, f.input === 'number' ? Number(raw) : raw);
    } else if (f.required && f.input !== 'number') {
      setPath(body, f.path, '');
    }
  }
  return body;
}

// The command names these reasons without a path; they are about the VIN.
const ABOUT_THE_VIN = [REGISTERED_ELSEWHERE, CLOSED_NEEDS_REOPEN];

/** The refusal's reasons under the form's field names (the command speaks of body paths). */
function byFormField(err: HttpError): HttpError {
  if (ABOUT_THE_VIN.includes(err.message)) return new HttpError(err.status, err.message, [{ path: 'vin', message: err.message }]);
  if (!Array.isArray(err.details)) return err;
  const details = (err.details as { path?: unknown; message?: unknown }[]).map((i) => ({ ...i, path: NAME_OF_PATH.get(String(i.path ?? '')) ?? i.path }));
  return new HttpError(err.status, err.message, details);
}

interface Option {
  value: string;
  caption: string;
}

export function registrationPages(ctx: WebContext): Router {
  const router = express.Router();

  const storesOf = async (p: Principal) => (p.allStores ? ctx.db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } }) : []);

  /** The form, empty or as the person sent it with the command's reasons; `offerReopen` adds the reopen box. */
  const formPage = async (req: Request, storeId: string, state?: FormState, offerReopen = false): Promise<string> => {
    const p = principalOf(req);
    const [plans, staff, stores] = await Promise.all([
      ctx.db.servicePlan.findMany({ orderBy: { model: 'asc' }, select: { model: true } }),
      ctx.db.staff.findMany({ where: { storeId, active: true, role: { in: ['SERVICE_ADVISOR', 'SALES_CONSULTANT'] } }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true, role: true } }),
      storesOf(p),
    ]);
    const staffOf = (role: string): Option[] => staff.filter((s) => s.role === role).map((s) => ({ value: s.id, caption: `${s.name} (${s.id})` }));
    const options: Record<string, Option[]> = {
      model: plans.map((plan) => ({ value: plan.model, caption: plan.model })),
      advisorId: staffOf('SERVICE_ADVISOR'),
      salesConsultantId: staffOf('SALES_CONSULTANT'),
    };
    const values = state?.values ?? {};
    const view = (f: Field) => {
      // Without service plans there is no list to pick the model from; it is typed instead.
      const input = f.name === 'model' && plans.length === 0 ? 'text' : f.input;
      return {
        ...f,
        input,
        select: input === 'select',
        value: values[f.name] ?? '',
        error: state?.errors[f.name],
        options: (options[f.name] ?? []).map((o) => ({ ...o, selected: o.value === values[f.name] })),
      };
    };
    return renderPage(req, 'registration', text(langOf(req), 'regTitle'), {
      storeId,
      stores: stores.map((s) => ({ ...s, selected: s.id === storeId })),
      sections: SECTIONS.map((s) => ({ title: s.title, fields: s.fields.map(view) })),
      reopen: offerReopen ? view(REOPEN) : undefined,
      form: state,
    });
  };

  router.get('/vehicles/new', page('vehicle.register'), async (req, res) => {
    const p = principalOf(req);
    const wanted = typeof req.query.store === 'string' ? req.query.store : '';
    const storeId = (await storesOf(p)).find((s) => s.id === wanted)?.id ?? p.storeId;
    res.send(await formPage(req, storeId));
  });

  router.post('/vehicles/new', page('vehicle.register'), async (req, res) => {
    const p = principalOf(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    // Whether the store is this person's is the command's check, as for the API.
    const storeId = p.allStores && typeof form.storeId === 'string' && form.storeId ? form.storeId : p.storeId;
    try {
      const result = await runCommand(ctx.commands, p, registerVehicleCommand, {}, bodyOf(form, storeId));
      setFlash(res, { kind: 'ok', message: text(langOf(req), result.reopened ? 'regReopened' : result.created ? 'regRegistered' : 'regAlreadyRunning') });
      res.redirect(`/vehicles/${encodeURIComponent(result.vin)}`);
    } catch (err) {
      if (!(err instanceof HttpError && REFUSALS.includes(err.status))) throw err;
      const values = sentValues(form, NAMES);
      const state: FormState = { formId: 'registration', values, ...fieldErrorsOf(byFormField(err), NAMES, langOf(req)) };
      res.status(err.status).send(await formPage(req, storeId, state, err.message === CLOSED_NEEDS_REOPEN || values.reopen !== undefined));
    }
  });
  return router;
}

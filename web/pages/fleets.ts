// R25 corporate fleets in the admin UI, the same commands as the API (commands/fleets.ts): the store's
// fleets with their open and overdue requests; one fleet with its contacts, vehicles and requests
// (overdue ones highlighted), and the forms to record a request and to answer one with time and place.
// A manager also adds and edits fleets and moves vehicles in and out. A refused form comes back with its reasons
// beside the fields, in the page's language.
import express, { Request, Response, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { inStore } from '../../api/auth/principal';
import { fleetOf, fleetsOf, FleetView } from '../../api/fleetView';
import { HttpError } from '../../api/httpError';
import { runCommand } from '../../commands/command';
import {
  answerFleetRequestCommand,
  attachFleetVehicleCommand,
  createFleetCommand,
  detachFleetVehicleCommand,
  editFleetCommand,
  fleetAccountSchema,
  fleetAnswerSchema,
  fleetRequestSchema,
  fleetVehicleSchema,
  recordFleetRequestCommand,
} from '../../commands/fleets';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { bodyFromFields, FieldSpec, fieldsOfSchema, LIST_ROWS, sentString } from '../commandForms';
import { notFound, page, WebContext } from '../context';
import { FormState, refusedForm } from '../fieldErrors';
import { setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

/** Field labels of the fleet forms: `fleetField.<input>`, a list's row fields by the list and input. */
const labelled = (fields: FieldSpec[]) => fields.map((f) => ({ ...f, label: `fleetField.${f.name.replace(/\.\d+\./, '.')}` }));
const ACCOUNT_FIELDS = labelled(fieldsOfSchema(fleetAccountSchema));
const VEHICLE_FIELDS = labelled(fieldsOfSchema(fleetVehicleSchema));
// The vehicles are check boxes of the fleet's own, drawn by the view; the rest from the schema.
const REQUEST_FIELDS = labelled(fieldsOfSchema(fleetRequestSchema, { vins: 'omit' }));
const ANSWER_FIELDS = labelled(fieldsOfSchema(fleetAnswerSchema));
/** The request form's reasons by field, the vehicles' among them. */
const REQUEST_FORM_FIELDS: FieldSpec[] = [...REQUEST_FIELDS, { name: 'vins', kind: 'text', label: 'fleetField.vins' }];

const fleetsPath = (storeId: string) => `/stores/${encodeURIComponent(storeId)}/fleets`;
const fleetPath = (storeId: string, fleetId: string) => `${fleetsPath(storeId)}/${encodeURIComponent(fleetId)}`;
const refusedHere = (err: unknown): err is HttpError => err instanceof HttpError && [400, 409, 422].includes(err.status);

/** A form as the `action` partial draws it: a refused one with what was typed and the reasons. */
function formView(o: { id: string; formAction: string; submit: string; fields: FieldSpec[]; state?: FormState; values?: Record<string, string> }) {
  const refused = o.state?.formId === o.id ? o.state : undefined;
  const groups: { row?: number; fields: object[] }[] = [];
  for (const f of o.fields) {
    const field = { ...f, value: refused ? (refused.values[f.name] ?? '') : (o.values?.[f.name] ?? ''), error: refused?.errors[f.name] };
    const last = groups.at(-1);
    if (last && f.row !== undefined && last.row === f.row) last.fields.push(field);
    else groups.push({ row: f.row, fields: [field] });
  }
  return { id: o.id, formId: o.id, formAction: o.formAction, returnTo: o.formAction, hidden: [], submit: o.submit, message: refused?.message, refused: refused !== undefined, groups };
}

/** The account as its edit form shows it, each contact in a row of its own. */
function accountValues(fleet: FleetView): Record<string, string> {
  const values: Record<string, string> = { name: fleet.name, note: fleet.note ?? '' };
  fleet.contacts.forEach((c, i) => Object.assign(values, { [`contacts.${i}.name`]: c.name, [`contacts.${i}.phone`]: c.phone, [`contacts.${i}.email`]: c.email ?? '' }));
  return values;
}

export function fleetPages(ctx: WebContext): Router {
  const router = express.Router();
  const { db, clock } = ctx;

  /** The store of the address, when it is the person's; another store's is not even confirmed. */
  const visibleStore = async (req: Request) => {
    const storeId = String(req.params.storeId);
    const store = inStore(principalOf(req), storeId) ? await db.store.findUnique({ where: { id: storeId }, select: { id: true, name: true, settings: true } }) : null;
    if (!store) throw notFound(`no store ${storeId}`);
    return store;
  };

  const listPage = async (req: Request, res: Response, status = 200, state?: FormState) => {
    const store = await visibleStore(req);
    const p = principalOf(req);
    const fleets = await fleetsOf(db, store.id, clock.now());
    const createForm = can(p.role, 'fleet.manage') ? formView({ id: 'fleet-create', formAction: fleetsPath(store.id), submit: 'fleetCreateSubmit', fields: ACCOUNT_FIELDS, state }) : undefined;
    res.status(status).send(renderPage(req, 'fleets', `${text(langOf(req), 'fleets')} · ${store.name}`, { store, fleets: fleets.map((f) => ({ ...f, href: fleetPath(store.id, f.id) })), createForm, flash: takeFlash(req, res) }));
  };

  const fleetPage = async (req: Request, res: Response, status = 200, state?: FormState) => {
    const store = await visibleStore(req);
    const p = principalOf(req);
    const fleet = await fleetOf(db, store.id, String(req.params.fleetId), clock.now());
    const base = fleetPath(store.id, fleet.id);
    const requests = can(p.role, 'fleet.request');
    const manages = can(p.role, 'fleet.manage');
    const sentVins = state?.formId === 'fleet-request' ? ((req.body?.vins ?? []) as string[] | string) : [];
    res.status(status).send(
      renderPage(req, 'fleet', `${fleet.name} · ${text(langOf(req), 'fleets')}`, {
        store,
        fleet,
        listHref: fleetsPath(store.id),
        manages,
        vehicles: fleet.vehicles.map((v) => ({ ...v, detachAction: `${base}/vehicles/${encodeURIComponent(v.vin)}/detach`, checked: [sentVins].flat().includes(v.vin) })),
        requests: fleet.requests.map((r) => ({
          ...r,
          answerForm: requests && r.status === 'OPEN' ? formView({ id: `fleet-answer:${r.id}`, formAction: `${base}/requests/${encodeURIComponent(r.id)}/answer`, submit: 'fleetAnswerSubmit', fields: ANSWER_FIELDS, state }) : undefined,
        })),
        requestForm: requests && fleet.vehicles.length ? { ...formView({ id: 'fleet-request', formAction: `${base}/requests`, submit: 'fleetRecordSubmit', fields: REQUEST_FIELDS, state }), vinsError: state?.formId === 'fleet-request' ? state.errors.vins : undefined } : undefined,
        // The form has LIST_ROWS contact rows and replaces the contacts: a fleet with more is edited over the API, never cut short here.
        editForm: manages && fleet.contacts.length <= LIST_ROWS ? formView({ id: 'fleet-edit', formAction: base, submit: 'fleetEditSubmit', fields: ACCOUNT_FIELDS, state, values: accountValues(fleet) }) : undefined,
        attachForm: manages ? formView({ id: 'fleet-attach', formAction: `${base}/vehicles`, submit: 'fleetAttach', fields: VEHICLE_FIELDS, state }) : undefined,
        flash: takeFlash(req, res),
      }),
    );
  };

  /**
   * Runs a form's command as the signed-in person; done, back to the page with a message; refused, the
   * page again with the reasons beside the fields.
   */
  const submit = async (req: Request, res: Response, o: { run: () => Promise<unknown>; formId: string; fields: FieldSpec[]; done: string; back: string; again: (status: number, state: FormState) => Promise<void> }) => {
    const lang = langOf(req);
    try {
      await o.run();
    } catch (err) {
      if (!refusedHere(err)) throw err;
      return o.again(err.status, refusedForm(err, o.formId, o.fields, req.body, lang));
    }
    setFlash(res, { kind: 'ok', message: text(lang, o.done) });
    res.redirect(303, o.back);
  };

  const form = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const offsetOf = (settings: unknown) => resolveStoreSettings(settings as never).utcOffsetMinutes;

  router.get('/stores/:storeId/fleets', page('fleet.read'), (req, res) => listPage(req, res));
  router.post('/stores/:storeId/fleets', page('fleet.manage'), async (req, res) => {
    const store = await visibleStore(req);
    await submit(req, res, {
      run: () => runCommand(ctx.commands, principalOf(req), createFleetCommand, { storeId: store.id }, bodyFromFields(ACCOUNT_FIELDS, form(req), offsetOf(store.settings))),
      formId: 'fleet-create',
      fields: ACCOUNT_FIELDS,
      done: 'fleetCreated',
      back: fleetsPath(store.id),
      again: (status, state) => listPage(req, res, status, state),
    });
  });

  router.get('/stores/:storeId/fleets/:fleetId', page('fleet.read'), (req, res) => fleetPage(req, res));
  const fleetSubject = async (req: Request) => ({ storeId: (await visibleStore(req)).id, fleetId: String(req.params.fleetId) });

  router.post('/stores/:storeId/fleets/:fleetId', page('fleet.manage'), async (req, res) => {
    const subject = await fleetSubject(req);
    const body = bodyFromFields(ACCOUNT_FIELDS, form(req), 0);
    await submit(req, res, { run: () => runCommand(ctx.commands, principalOf(req), editFleetCommand, subject, body), formId: 'fleet-edit', fields: ACCOUNT_FIELDS, done: 'fleetEdited', back: fleetPath(subject.storeId, subject.fleetId), again: (status, state) => fleetPage(req, res, status, state) });
  });

  router.post('/stores/:storeId/fleets/:fleetId/vehicles', page('fleet.manage'), async (req, res) => {
    const subject = await fleetSubject(req);
    const body = bodyFromFields(VEHICLE_FIELDS, form(req), 0);
    await submit(req, res, { run: () => runCommand(ctx.commands, principalOf(req), attachFleetVehicleCommand, subject, body), formId: 'fleet-attach', fields: VEHICLE_FIELDS, done: 'fleetAttached', back: fleetPath(subject.storeId, subject.fleetId), again: (status, state) => fleetPage(req, res, status, state) });
  });

  router.post('/stores/:storeId/fleets/:fleetId/vehicles/:vin/detach', page('fleet.manage'), async (req, res) => {
    const subject = { ...(await fleetSubject(req)), vin: String(req.params.vin) };
    await runCommand(ctx.commands, principalOf(req), detachFleetVehicleCommand, subject, {});
    setFlash(res, { kind: 'ok', message: text(langOf(req), 'fleetDetached') });
    res.redirect(303, fleetPath(subject.storeId, subject.fleetId));
  });

  router.post('/stores/:storeId/fleets/:fleetId/requests', page('fleet.request'), async (req, res) => {
    const store = await visibleStore(req);
    const subject = { storeId: store.id, fleetId: String(req.params.fleetId) };
    const sent = form(req).vins;
    const vins = (Array.isArray(sent) ? sent : [sent]).map(sentString).filter((v): v is string => v !== undefined);
    // The time typed is the store's wall clock (bodyFromFields); the vehicles are the boxes ticked.
    const body = { ...bodyFromFields(REQUEST_FIELDS, form(req), offsetOf(store.settings)), vins };
    await submit(req, res, { run: () => runCommand(ctx.commands, principalOf(req), recordFleetRequestCommand, subject, body), formId: 'fleet-request', fields: REQUEST_FORM_FIELDS, done: 'fleetRecorded', back: fleetPath(store.id, subject.fleetId), again: (status, state) => fleetPage(req, res, status, state) });
  });

  router.post('/stores/:storeId/fleets/:fleetId/requests/:requestId/answer', page('fleet.request'), async (req, res) => {
    const store = await visibleStore(req);
    const subject = { storeId: store.id, fleetId: String(req.params.fleetId), requestId: String(req.params.requestId) };
    const body = bodyFromFields(ANSWER_FIELDS, form(req), offsetOf(store.settings));
    await submit(req, res, {
      run: () => runCommand(ctx.commands, principalOf(req), answerFleetRequestCommand, subject, body),
      formId: `fleet-answer:${subject.requestId}`,
      fields: ANSWER_FIELDS,
      done: 'fleetAnswered',
      back: fleetPath(store.id, subject.fleetId),
      again: (status, state) => fleetPage(req, res, status, state),
    });
  });
  return router;
}
